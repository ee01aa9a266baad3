import { afterAll, describe, expect, it } from 'vitest';
import { decodeBody } from './decode-body.ts';
import { decodeValues } from './decode-kafka.ts';
import { DecodePool, packValues } from './decode-pool.ts';
import { unpackValues } from './decode-worker.ts';
import { eventLinesSliced } from '../store/event-lines.ts';
import { murmurHash3_32 } from '../store/murmur3.ts';
import { idHashOf, PrebuiltEvent } from '../store/prebuilt-lines.ts';

const NOW = Date.UTC(2026, 10, 25, 12);
const pool = new DecodePool({ threads: 1 });
afterAll(() => pool.close());

/** Good events and every kind of bad value, in one batch. */
function mixedValues(n: number): Array<Buffer | null> {
  const values: Array<Buffer | null> = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 7;
    if (kind === 1) values.push(null);
    else if (kind === 2) values.push(Buffer.from([0x7b, 0xff, 0x7d]));
    else if (kind === 3) values.push(Buffer.from('{"metric":"a","value":'));
    else if (kind === 4) values.push(Buffer.from(JSON.stringify({ metric: 'a', value: 'x' })));
    else
      values.push(
        Buffer.from(JSON.stringify({ metric: 'orders.count', value: i, id: `e-${i}`, dims: { region: `r${i % 3}`, note: 'ünïcode ✓' } })),
      );
  }
  return values;
}

describe('DecodePool', () => {
  it('packs values so the worker reads back the same bytes, nulls and empties included', () => {
    const values = [Buffer.from('ab'), null, Buffer.alloc(0), Buffer.from('ü')];
    const { bytes, lengths } = packValues(values);
    expect(unpackValues(bytes, lengths).map((v) => (v === null ? null : Buffer.from(v).toString()))).toEqual(['ab', null, '', 'ü']);
  });

  it('decodes a Kafka batch in a worker exactly as the main thread does: events, their messages, and each reject with its reason', async () => {
    const values = mixedValues(700);
    const stamps = values.map((_, i) => NOW - 1000 * i);
    const inline = decodeValues(values, stamps, NOW);
    const pooled = await pool.kafka(values, stamps, NOW);
    expect(pooled).toEqual(inline);
    expect(pooled.events).toHaveLength(300);
    expect(pooled.rejected.map((r) => r.index).slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(pooled.rejected[1]!.reason).toMatch(/not valid UTF-8: byte 0xff at byte offset 1/);
    expect(pooled.rejected[2]!.reason).toMatch(/not valid JSON/);
    expect(pooled.rejected[3]!.reason).toMatch(/value must be a number/);
    // an event without ts takes its message's timestamp, in the worker too
    expect(pooled.events[0]!.ts).toBe(NOW);
  });

  it('decodes a body in a worker as decodeBody does, and a body refused whole comes back as its message', async () => {
    const lines = Array.from({ length: 500 }, (_, i) => (i % 50 === 7 ? 'not json' : JSON.stringify({ metric: 'a', value: i })));
    const body = new TextEncoder().encode(lines.join('\n'));
    const out = await pool.body(body, 'ndjson', NOW);
    expect(out).toEqual({ ok: true, batch: decodeBody(body, 'ndjson', NOW) });
    expect(out.ok && out.batch.rejected.map((r) => r.line).slice(0, 2)).toEqual([8, 58]);
    const refused = await pool.body(new TextEncoder().encode('[{"metric":'), 'json', NOW);
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(/^body is not valid JSON \(line 1, column 12/) });
  });

  it('hands over each event with its insert-line head and id hash: the same insert bytes and hashes as events decoded here', async () => {
    const values = mixedValues(700);
    const stamps = values.map((_, i) => NOW - 1000 * i);
    const inline = decodeValues(values, stamps, NOW).events;
    const pooled = (await pool.kafka(values, stamps, NOW)).events;
    expect(pooled.every((e) => e instanceof PrebuiltEvent)).toBe(true);
    expect(inline.some((e) => e instanceof PrebuiltEvent)).toBe(false);
    // receive times of Date.now()'s length (overwritten in place) and others (lines rebuilt around the head)
    const at = (e: { ts: number }) => (e.ts % 2000 === 0 ? undefined : e.ts % 3000 === 0 ? 77 : e.ts + 5);
    expect((await eventLinesSliced(pooled, 'kafka', NOW, at)).equals(await eventLinesSliced(inline, 'kafka', NOW, at))).toBe(true);
    // rows left out (repeats, refused rows): the rest's bytes are still the same
    const some = (_: unknown, i: number) => i % 4 !== 1;
    const left = await eventLinesSliced(pooled.filter(some), 'kafka', NOW, at);
    expect(left.equals(await eventLinesSliced(inline.filter(some), 'kafka', NOW, at))).toBe(true);
    expect(pooled.map(idHashOf)).toEqual(inline.map((e) => murmurHash3_32(e.id)));

    const lines = Array.from({ length: 400 }, (_, i) =>
      JSON.stringify({ metric: 'a.b', value: i / 3, id: i % 5 === 0 ? undefined : `ü-${i}`, dims: { k: `"${i}"\u2028` } }),
    );
    const body = new TextEncoder().encode(lines.join('\n'));
    const here = decodeBody(body, 'ndjson', NOW).events;
    for (const source of ['http', 'import']) {
      const out = await pool.body(body, 'ndjson', NOW, source);
      if (!out.ok) throw new Error(out.error);
      expect((await eventLinesSliced(out.batch.events, source, NOW + 1)).equals(await eventLinesSliced(here, source, NOW + 1))).toBe(true);
    }
  });
});
