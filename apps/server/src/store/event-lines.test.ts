import { describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { fromColumns, toColumns } from '../ingest/event-columns.ts';
import { buildLines, eventLines, eventLinesSliced } from './event-lines.ts';
import { LOOP_SLICE_EVENTS } from './loop-slices.ts';
import { murmurHash3_32 } from './murmur3.ts';
import { idHashOf, PrebuiltEvent } from './prebuilt-lines.ts';

/** Events as the main thread receives them from a decode worker: fields as columns, lines prebuilt for `source` at `now` (decode-worker.ts). */
const fromWorker = (events: MetricEvent[], source = 'http', now = 1_765_000_000_555) =>
  fromColumns(toColumns(events), buildLines(events, source, now));

describe('eventLines', () => {
  const e = { metric: 'checkout.orders', value: 12.5, ts: 1_765_000_000_123, id: 'o-"1"\n', dims: { region: 'eu "west"', k: 'ü' } };

  it('writes one JSON line per event that reads back as the event with its source and receive time', () => {
    const lines = eventLines([e, { ...e, id: '', dims: {} }], 'http', 1_765_000_000_999, (x) => (x.id === '' ? undefined : 7))
      .toString('utf8')
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({ ...e, source: 'http', received_at: 7 });
    expect(JSON.parse(lines[1]!)).toEqual({ ...e, id: '', dims: {}, source: 'http', received_at: 1_765_000_000_999 });
  });

  it('writes a value that is not finite as null, as JSON.stringify did, so the store refuses it', () => {
    expect(JSON.parse(eventLines([{ ...e, value: Number.NaN }], 'kafka', 1).toString()).value).toBeNull();
  });

  it('builds the same bytes a slice at a time as in one go', async () => {
    const many = Array.from({ length: 2 * LOOP_SLICE_EVENTS + 3 }, (_, i) => ({ ...e, id: `id-${i}`, ts: e.ts + i }));
    const whole = eventLines(many, 'http', 5, (x) => (x.ts % 2 === 0 ? x.ts : undefined));
    const sliced = await eventLinesSliced(many, 'http', 5, (x) => (x.ts % 2 === 0 ? x.ts : undefined));
    expect(sliced.equals(whole)).toBe(true);
    expect(sliced.toString('utf8').split('\n')).toHaveLength(many.length + 1);
  });

  describe('from lines a decode worker prebuilt', () => {
    const varied: MetricEvent[] = Array.from({ length: 2 * LOOP_SLICE_EVENTS + 17 }, (_, i) => ({
      metric: i % 5 === 0 ? 'pay.ments' : 'checkout.orders',
      value: i % 11 === 0 ? Number.NaN : i % 3 === 0 ? -i / 7 : i * 1e21,
      ts: e.ts + i,
      id: i % 4 === 0 ? '' : `id-${i}-${'ü✓😀'.slice(0, i % 4)}"\\`,
      dims: i % 2 === 0 ? ({} as Record<string, string>) : { region: `eu "${i}"`, k: '\u2028 ✓', z: '' },
    }));
    // receive times of the prebuilt ones' length and of others (a test clock's small numbers, a fraction)
    const stamp = (x: MetricEvent) => (x.ts % 3 === 0 ? undefined : x.ts % 3 === 1 ? 1_765_000_000_001 + (x.ts % 7 === 0 ? 1 : 0) : x.ts);
    const NOW = 1_765_000_009_999;

    it('gives the same bytes as lines built from the fields, for a whole batch and for rows left out', async () => {
      const prebuilt = fromWorker(varied);
      expect(prebuilt.every((x) => x instanceof PrebuiltEvent)).toBe(true);
      const built = await eventLinesSliced(varied, 'http', NOW, stamp);
      expect((await eventLinesSliced(prebuilt, 'http', NOW, stamp)).equals(built)).toBe(true);
      expect(eventLines(prebuilt, 'http', NOW, stamp).equals(eventLines(varied, 'http', NOW, stamp))).toBe(true);
      expect(eventLines(prebuilt, 'http', 9, stamp).equals(eventLines(varied, 'http', 9, stamp))).toBe(true);
      expect(eventLines(prebuilt, 'http', 9.5).equals(eventLines(varied, 'http', 9.5))).toBe(true);
      // a write for another source than the worker built the lines for
      expect(eventLines(prebuilt, 'import', NOW, stamp).equals(eventLines(varied, 'import', NOW, stamp))).toBe(true);
      // repeats and refused rows are left out: their lines are skipped, the others' bytes are unchanged
      const kept = (x: unknown, i: number) => i % 7 !== 3 && i !== 0;
      const subset = await eventLinesSliced(prebuilt.filter(kept), 'http', NOW, stamp);
      expect(subset.equals(await eventLinesSliced(varied.filter(kept), 'http', NOW, stamp))).toBe(true);
      // and out of order, one batch after another (a group of several requests)
      const again = fromWorker(varied);
      const shuffled = [...prebuilt.slice(100, 300), ...again.slice(0, 50), ...prebuilt.slice(0, 100).reverse(), ...again.slice(40, 60)];
      const plain = [...varied.slice(100, 300), ...varied.slice(0, 50), ...varied.slice(0, 100).reverse(), ...varied.slice(40, 60)];
      expect(eventLines(shuffled, 'http', NOW, stamp).equals(eventLines(plain, 'http', NOW, stamp))).toBe(true);
      expect(subset.toString('utf8').split('\n')).toHaveLength(varied.filter(kept).length + 1);
    });

    it('mixes events with and without prebuilt lines (groups of several requests, copies) into the same bytes', () => {
      const prebuilt = fromWorker(varied);
      const mixed = prebuilt.map((x, i) => (i % 3 === 0 ? { ...x } : x));
      expect(mixed.filter((x) => !(x instanceof PrebuiltEvent))).toHaveLength(Math.ceil(varied.length / 3));
      expect(eventLines(mixed, 'http', NOW, stamp).equals(eventLines(varied, 'http', NOW, stamp))).toBe(true);
    });

    it('leaves the prebuilt lines as they were: writing them again gives the same bytes', () => {
      const prebuilt = fromWorker(varied);
      const first = eventLines(prebuilt, 'http', NOW, () => 1_765_000_000_777);
      const second = eventLines(prebuilt, 'http', NOW, stamp);
      expect(second.equals(eventLines(varied, 'http', NOW, stamp))).toBe(true);
      expect(eventLines(prebuilt, 'http', NOW, () => 1_765_000_000_777).equals(first)).toBe(true);
    });

    it('hands the id check the hash of each id, prebuilt or computed', () => {
      const prebuilt = fromWorker(varied);
      expect(prebuilt.map(idHashOf)).toEqual(varied.map((x) => murmurHash3_32(x.id)));
      expect(varied.map(idHashOf)).toEqual(varied.map((x) => murmurHash3_32(x.id)));
    });

    it('keeps the link out of the event fields: prebuilt events equal the decoded ones and serialise the same', () => {
      const prebuilt = fromWorker(varied.slice(0, 50));
      expect(prebuilt).toEqual(fromColumns(toColumns(varied.slice(0, 50))));
      expect(JSON.stringify(prebuilt[1])).toBe(JSON.stringify(varied[1]));
    });

    it('refuses heads that do not match the batch', () => {
      expect(() => fromColumns(toColumns(varied.slice(0, 3)), buildLines(varied.slice(0, 2), 'http', NOW))).toThrow(
        /3 events but 2 prebuilt lines/,
      );
    });
  });
});
