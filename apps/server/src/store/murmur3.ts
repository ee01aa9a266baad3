/**
 * MurmurHash3 x86 32-bit (seed 0) of a string's UTF-8 bytes: the same number
 * ClickHouse's `murmurHash3_32(s)` gives, so the id check can send 4-byte hashes
 * instead of the ids themselves and let the engine compare numbers.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
/** Ids are at most 128 characters, so at most 512 UTF-8 bytes. */
const scratch = Buffer.allocUnsafe(1024);

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

export function murmurHash3_32(text: string): number {
  const bytes = text.length * 3 <= scratch.length ? scratch : Buffer.from(text, 'utf8');
  const len = bytes === scratch ? scratch.write(text, 'utf8') : bytes.length;
  let h = 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    h ^= mixK(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = len & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[blocks + 2]! << 16;
    if (rest >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    h ^= mixK(k);
  }
  h ^= len;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
