import { describe, expect, it } from 'vitest';
import { murmurHash3_32 } from './murmur3.ts';

describe('murmurHash3_32', () => {
  it("agrees with ClickHouse's murmurHash3_32 (values taken from the engine)", () => {
    expect(murmurHash3_32('hello')).toBe(613153351);
    expect(murmurHash3_32('')).toBe(0);
    expect(murmurHash3_32('ünï')).toBe(916940523);
  });

  it('covers every tail length and long strings', () => {
    // the reference implementation's published vectors (seed 0)
    expect(murmurHash3_32('a')).toBe(0x3c2569b2);
    expect(murmurHash3_32('ab')).toBe(0x9bbfd75f);
    expect(murmurHash3_32('abc')).toBe(0xb3dd93fa);
    expect(murmurHash3_32('abcd')).toBe(0x43ed676a);
    expect(murmurHash3_32('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
    expect(murmurHash3_32('x'.repeat(600))).toBe(murmurHash3_32('x'.repeat(600)));
  });
});
