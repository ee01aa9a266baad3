import { describe, expect, it } from 'vitest';
import { collectReplies, decodeReply, encodeReply, replyAddressOf, replyHeaders } from './verdict-messages.ts';
import type { Verdict } from './verdicts.ts';

const forwarded = (instance: string, request: string, index: number) => ({ headers: replyHeaders({ instance, request, index }) });
const asBuffers = (m: { headers: Record<string, unknown> }) => ({
  headers: Object.fromEntries(Object.entries(m.headers).map(([k, v]) => [k, Buffer.from(String(v))])),
});

describe('verdict messages', () => {
  it('reads a reply address back from the headers Kafka hands over (buffers), and none from a plain message', () => {
    expect(replyAddressOf(asBuffers(forwarded('http-a', 'r1', 4)))).toEqual({ instance: 'http-a', request: 'r1', index: 4 });
    expect(replyAddressOf({ headers: {} })).toBeUndefined();
    expect(replyAddressOf({ headers: undefined })).toBeUndefined();
    expect(
      replyAddressOf({ headers: { ...replyHeaders({ instance: 'a', request: 'r', index: 0 }), 'northstar-index': 'x' } }),
    ).toBeUndefined();
  });

  it('groups a batch verdicts by waiting request and skips events nobody waits for', () => {
    const stored: Verdict = { outcome: 'stored' };
    const replies = collectReplies([
      [forwarded('a', 'r1', 0), stored],
      [{ headers: {} }, stored],
      [forwarded('b', 'r1', 0), { outcome: 'duplicate' }],
      [forwarded('a', 'r1', 2), { outcome: 'refused', reason: 'x'.repeat(2_000) }],
      [forwarded('a', 'r1', 1), { outcome: 'duplicate' }],
    ]);
    expect(replies.map((r) => ({ ...r, refused: r.refused.map((f) => ({ index: f.index, chars: f.reason.length })) }))).toEqual([
      { instance: 'a', request: 'r1', stored: [0], duplicate: [1], refused: [{ index: 2, chars: 500 }] },
      { instance: 'b', request: 'r1', stored: [], duplicate: [0], refused: [] },
    ]);
  });

  it('splits a large request verdicts over several messages, every index once', () => {
    const replies = collectReplies(Array.from({ length: 25_000 }, (_, i) => [forwarded('a', 'r', i), { outcome: 'stored' }] as const));
    expect(replies.length).toBe(3);
    expect(replies.flatMap((r) => r.stored)).toEqual(Array.from({ length: 25_000 }, (_, i) => i));
  });

  it('round-trips a reply and refuses anything else on the topic', () => {
    const reply = { instance: 'a', request: 'r', stored: [1], duplicate: [0], refused: [{ index: 2, reason: 'no' }] };
    expect(decodeReply(Buffer.from(encodeReply(reply)))).toEqual({
      request: 'r',
      stored: [1],
      duplicate: [0],
      refused: [{ index: 2, reason: 'no' }],
    });
    expect(decodeReply(Buffer.from('{"probe":"x"}'))).toBeUndefined();
    expect(decodeReply(Buffer.from('not json'))).toBeUndefined();
    expect(decodeReply(null)).toBeUndefined();
    expect(decodeReply(Buffer.from('{"request":"r","stored":[1.5],"duplicate":[],"refused":[]}'))).toBeUndefined();
  });
});

describe('verdict messages of a large request', () => {
  it('cut across the three lists, every verdict once', () => {
    const verdicts = Array.from({ length: 24_000 }, (_, i) => {
      const v: Verdict = i % 3 === 0 ? { outcome: 'stored' } : i % 3 === 1 ? { outcome: 'duplicate' } : { outcome: 'refused', reason: 'r' };
      return [forwarded('a', 'r', i), v] as const;
    });
    const replies = collectReplies(verdicts);
    expect(replies.map((r) => r.stored.length + r.duplicate.length + r.refused.length)).toEqual([10_000, 10_000, 4_000]);
    const all = replies.flatMap((r) => [...r.stored, ...r.duplicate, ...r.refused.map((f) => f.index)]).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 24_000 }, (_, i) => i));
  });
});
