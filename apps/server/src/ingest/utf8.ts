import { isUtf8 } from 'node:buffer';

/**
 * Strict UTF-8: invalid bytes are an error with their place, never U+FFFD. A replacement
 * character would make two different ids (or dimension values) the same text, and the
 * second event would then be dropped as a repeat of the first.
 */
export type Utf8Result = { ok: true; text: string } | { ok: false; reason: string; line: number; offset: number };

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Decodes `bytes`; on invalid UTF-8 says where: 1-based line, and byte offset within the input and the line. */
export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  if (isUtf8(bytes)) return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') };
  const offset = firstInvalidUtf8(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  const hex = bytes[offset]!.toString(16).padStart(2, '0');
  return {
    ok: false,
    line,
    offset,
    reason: `not valid UTF-8: byte 0x${hex} at byte offset ${offset} (line ${line}, byte ${offset - lineStart + 1} of the line); send UTF-8 text`,
  };
}
