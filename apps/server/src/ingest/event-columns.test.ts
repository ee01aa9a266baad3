import { describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { fromColumns, toColumns } from './event-columns.ts';

describe('event columns', () => {
  it('give back the same events: numbers exact, dims in their order, none, many and non-ASCII', () => {
    const events: MetricEvent[] = [
      { metric: 'a', value: 0.1 + 0.2, ts: 1_796_000_000_123, id: 'x', dims: { b: '1', a: '2' } },
      { metric: 'b', value: -0, ts: 0, id: '', dims: {} },
      {
        metric: 'c',
        value: -1e300,
        ts: 8_640_000_000_000_000,
        id: 'ü✓',
        dims: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, `v${i}`])),
      },
    ];
    const back = fromColumns(structuredClone(toColumns(events)));
    expect(back).toEqual(events);
    expect(Object.keys(back[0]!.dims)).toEqual(['b', 'a']);
    expect(Object.is(back[1]!.value, -0)).toBe(true);
    expect(fromColumns(toColumns([]))).toEqual([]);
  });
});
