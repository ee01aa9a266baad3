import { describe, expect, it } from 'vitest';
import { eventLines, eventLinesSliced } from './event-lines.ts';
import { LOOP_SLICE_EVENTS } from './loop-slices.ts';

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
});
