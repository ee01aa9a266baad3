import { constants, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFLATE_MIN_BYTES, Outgoing, textFrame } from './outgoing.ts';

/** The payload of one unmasked frame, and whether RSV1 (compressed) is set. */
function unframe(frame: Buffer): { payload: Buffer; rsv1: boolean; fin: boolean; opcode: number } {
  const short = frame[1]! & 0x7f;
  const [len, at] = short === 126 ? [frame.readUInt16BE(2), 4] : short === 127 ? [Number(frame.readBigUInt64BE(2)), 10] : [short, 2];
  expect(frame[1]! & 0x80).toBe(0); // a server never masks
  expect(frame.length).toBe(at + len);
  return { payload: frame.subarray(at), rsv1: (frame[0]! & 0x40) !== 0, fin: (frame[0]! & 0x80) !== 0, opcode: frame[0]! & 0x0f };
}

describe('textFrame', () => {
  it.each([0, 125, 126, 65_535, 65_536, 70_000])('frames %i bytes with the right length encoding', (n) => {
    const payload = Buffer.alloc(n, 'a');
    const f = unframe(textFrame(payload, false));
    expect(f).toMatchObject({ rsv1: false, fin: true, opcode: 1 });
    expect(f.payload.equals(payload)).toBe(true);
  });
});

describe('Outgoing', () => {
  const big = JSON.stringify({ type: 'delta', kpis: Array.from({ length: 200 }, (_, i) => ({ id: `k${i}`, value: i * 1.5 })) });

  it('compresses a large message once, as RFC 7692 frames it: RSV1, no sync tail, inflates back to the JSON', () => {
    const m = new Outgoing(big);
    const wire = m.wire(true);
    expect(m.wire(true)).toBe(wire); // encoded once, shared by every client
    const f = unframe(wire);
    expect(f.rsv1).toBe(true);
    expect(f.payload.length).toBeLessThan(big.length / 3);
    const inflated = inflateRawSync(Buffer.concat([f.payload, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: constants.Z_SYNC_FLUSH });
    expect(inflated.toString()).toBe(big);
  });

  it('sends plain frames to a peer without deflate, and small messages plain to everyone', () => {
    const m = new Outgoing(big);
    expect(unframe(m.wire(false)).payload.toString()).toBe(big);
    const small = new Outgoing('{"type":"heartbeat","serverTime":1}');
    expect(small.text.length).toBeLessThan(DEFLATE_MIN_BYTES);
    expect(unframe(small.wire(true))).toMatchObject({ rsv1: false });
    expect(small.wire(true)).toBe(small.wire(false));
  });
});
