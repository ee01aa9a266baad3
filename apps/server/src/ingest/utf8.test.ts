import { describe, expect, it } from 'vitest';
import { decodeUtf8, firstInvalidUtf8 } from './utf8.ts';

describe('decodeUtf8', () => {
  it('decodes valid UTF-8, including 4-byte characters', () => {
    expect(decodeUtf8(Buffer.from('a€😀\nb', 'utf8'))).toEqual({ ok: true, text: 'a€😀\nb' });
  });

  it('names the line and byte offset of the first invalid byte instead of replacing it', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":1}\n{"id":"x'), Buffer.from([0xff]), Buffer.from('"}\n')]);
    const r = decodeUtf8(bytes);
    expect(r).toMatchObject({ ok: false, line: 2, offset: 16 });
    if (!r.ok) expect(r.reason).toBe('not valid UTF-8: byte 0xff at byte offset 16 (line 2, byte 9 of the line); send UTF-8 text');
  });

  it('refuses overlong forms, surrogates, truncated sequences and code points past U+10FFFF', () => {
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80]]) {
      expect(firstInvalidUtf8(Uint8Array.from([0x41, ...bad])), bad.join(',')).toBe(1);
      expect(decodeUtf8(Uint8Array.from([0x41, ...bad])).ok).toBe(false);
    }
    expect(firstInvalidUtf8(Buffer.from('ok €'))).toBe(-1);
  });
});
