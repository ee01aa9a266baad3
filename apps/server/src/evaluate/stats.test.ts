import { describe, expect, it } from 'vitest';
import {
  DISTINCT_VALUES_MERGED_MAX,
  DISTINCT_VALUES_PER_SLOT_MAX,
  SKETCH_RELATIVE_ACCURACY,
  addDistinct,
  addValue,
  aggregate,
  emptyStats,
  mergeStats,
  needsSketch,
  type Stats,
} from './stats.ts';

function statsOf(values: number[], withSketch = false): Stats {
  const s = emptyStats(withSketch, false);
  for (const v of values) addValue(s, v, undefined);
  return s;
}

describe('aggregate', () => {
  it('answers every plain aggregation of the events', () => {
    const s = statsOf([4, -2, 10, 8]);
    expect(aggregate(s, 'count', 60_000)).toBe(4);
    expect(aggregate(s, 'sum', 60_000)).toBe(20);
    expect(aggregate(s, 'avg', 60_000)).toBe(5);
    expect(aggregate(s, 'min', 60_000)).toBe(-2);
    expect(aggregate(s, 'max', 60_000)).toBe(10);
  });

  it('gives a rate per second over the whole span, and none over an empty span', () => {
    const s = statsOf([30, 30]);
    expect(aggregate(s, 'rate', 120_000)).toBe(0.5);
    expect(aggregate(s, 'rate', 0)).toBeNull();
  });

  it('is null for a summary without events, whatever the aggregation', () => {
    const s = emptyStats(true, true);
    for (const a of ['sum', 'count', 'avg', 'min', 'max', 'rate', 'distinct_count', 'p50', 'p99'] as const)
      expect(aggregate(s, a, 60_000)).toBeNull();
  });

  it('answers quantiles within the sketch accuracy, and only from a sketch', () => {
    const values = Array.from({ length: 1000 }, (_, i) => i + 1);
    const s = statsOf(values, true);
    for (const [a, exact] of [
      ['p50', 500],
      ['p90', 900],
      ['p95', 950],
      ['p99', 990],
    ] as const) {
      const got = aggregate(s, a, 60_000) as number;
      expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY + 0.001);
    }
    expect(aggregate(statsOf(values, false), 'p90', 60_000)).toBeNull();
  });

  it('counts distinct values, not events', () => {
    const s = emptyStats(false, true);
    for (const key of ['a', 'b', 'a', 'c', 'b']) addValue(s, 1, key);
    expect(aggregate(s, 'distinct_count', 60_000)).toBe(3);
    expect(s.count).toBe(5);
  });
});

describe('needsSketch', () => {
  it('is true for the quantiles only', () => {
    expect(['p50', 'p90', 'p95', 'p99'].every((a) => needsSketch(a as 'p50'))).toBe(true);
    expect(['sum', 'count', 'avg', 'min', 'max', 'rate', 'distinct_count'].some((a) => needsSketch(a as 'sum'))).toBe(false);
  });
});

describe('distinct values at their memory bound', () => {
  it('stops counting new values past the bound and says the count is a lower bound; a value already held is not new', () => {
    const s = emptyStats(false, true);
    addDistinct(s, 'a', 2);
    addDistinct(s, 'b', 2);
    addDistinct(s, 'a', 2);
    expect(s.capped).toBeUndefined();
    addDistinct(s, 'c', 2);
    expect(s.distinct?.size).toBe(2);
    expect(s.capped).toBe(true);
  });

  it('keeps a slot to its own bound by default, and a merge to the larger one', () => {
    expect(DISTINCT_VALUES_MERGED_MAX).toBeGreaterThan(DISTINCT_VALUES_PER_SLOT_MAX);
    const slot = emptyStats(false, true);
    for (let i = 0; i <= DISTINCT_VALUES_PER_SLOT_MAX; i++) addValue(slot, 1, `k${i}`);
    expect(slot.distinct?.size).toBe(DISTINCT_VALUES_PER_SLOT_MAX);
    expect(slot.capped).toBe(true);
    const other = emptyStats(false, true);
    for (let i = 0; i < 10; i++) addValue(other, 1, `other${i}`);
    const merged = emptyStats(false, false);
    mergeStats(merged, other);
    expect(merged.capped).toBeUndefined();
    mergeStats(merged, slot);
    // the merged window holds both slots' values (under its bound) and carries the slot's cap
    expect(merged.distinct?.size).toBe(DISTINCT_VALUES_PER_SLOT_MAX + 10);
    expect(merged.capped).toBe(true);
  });

  it('a tighter bound given to the merge caps it', () => {
    const a = emptyStats(false, true);
    for (const key of ['x', 'y', 'z']) addValue(a, 1, key);
    const out = emptyStats(false, true);
    mergeStats(out, a, 2);
    expect(out.distinct?.size).toBe(2);
    expect(out.capped).toBe(true);
  });
});

describe('mergeStats', () => {
  it('merges counts, sums and extremes, and creates the sketch the source has', () => {
    const out = emptyStats(false, false);
    mergeStats(out, statsOf([1, 5], true));
    mergeStats(out, statsOf([-3, 2], true));
    expect(out).toMatchObject({ count: 4, sum: 5, min: -3, max: 5 });
    expect(out.sketch?.count).toBe(4);
    expect(aggregate(out, 'p50', 60_000)).not.toBeNull();
  });

  it('leaves the target as it was when the source holds no event', () => {
    const out = statsOf([7]);
    mergeStats(out, emptyStats(true, true));
    expect(out).toMatchObject({ count: 1, sum: 7, min: 7, max: 7, sketch: undefined, distinct: undefined });
  });
});

describe('merging quantile sketches', () => {
  it('keeps negative values: a window of slots with losses answers quantiles over all of them', () => {
    // DDSketch's own merge (sketches-js 2.1.1) dropped the negative store: the median came out positive
    const a = emptyStats(true, false);
    const b = emptyStats(true, false);
    for (let i = 1; i <= 100; i++) addValue(a, -i, undefined);
    for (let i = 1; i <= 50; i++) addValue(b, i, undefined);
    const window = emptyStats(false, false);
    // the slot with the losses second: the one whose negative values a merge dropped
    mergeStats(window, b);
    mergeStats(window, a);
    // 150 values: −100…−1 and 1…50; the median (rank 74.5, lower) is −26, within 1 %
    expect(Math.abs((aggregate(window, 'p50', 1) as number) + 26)).toBeLessThanOrEqual(0.26 + 1e-9);
    expect(aggregate(window, 'p99', 1)).toBeGreaterThan(40);
  });
});
