import { describe, expect, it } from 'vitest';
import { CalendarKpiWindow } from './calendar-window.ts';
import { DISTINCT_VALUES_MERGED_MAX, DISTINCT_VALUES_PER_SLOT_MAX, addValue, aggregate, emptyStats, mergeStats } from './stats.ts';

const DAY0 = Date.UTC(2026, 11, 7); // a Monday, 00:00 UTC
const MIN = 60_000;

function sumToday(): CalendarKpiWindow {
  return new CalendarKpiWindow('today', 'UTC', [{ withSketch: false, withDistinct: false }], (stats) => aggregate(stats[0]!, 'sum', 0));
}

describe('CalendarKpiWindow: late events and the drawn curve', () => {
  it('marks the curve behind when an event lands before its last drawn point, and takes the store curve in its place', () => {
    const w = sumToday();
    w.advance(DAY0 + MIN); // the period starts
    w.advance(DAY0 + 120 * MIN); // eight 15-minute points drawn, all empty
    expect(w.spark().length).toBe(8);
    expect(w.spark().every(([, v]) => v === null)).toBe(true);
    expect(w.takeCurveBehind()).toBe(false);
    w.add(0, DAY0 + 10 * MIN, 5, undefined); // a backfilled event for the first slot
    expect(w.value(DAY0 + 120 * MIN)).toBe(5);
    expect(w.takeCurveBehind()).toBe(true);
    expect(w.takeCurveBehind()).toBe(false); // taking it clears it
    // the store's curve (what curve-refresh.ts reads) replaces the drawn points
    const store: Array<[number, number | null]> = Array.from({ length: 8 }, (_, i) => [DAY0 + (i + 1) * 15 * MIN, 5]);
    w.replaceCurve(DAY0, store);
    expect(w.spark()).toEqual(store);
  });

  it('does not mark an event for the slot being filled, and ignores a store curve for a period that has rolled', () => {
    const w = sumToday();
    w.advance(DAY0 + 20 * MIN);
    w.add(0, DAY0 + 19 * MIN, 1, undefined);
    expect(w.takeCurveBehind()).toBe(false);
    w.advance(DAY0 + 25 * 60 * MIN); // the next day
    w.replaceCurve(DAY0, [[DAY0 + 15 * MIN, 99]]);
    expect(w.spark().some(([, v]) => v === 99)).toBe(false);
  });
});

describe('distinct counts at their memory bound', () => {
  it('marks the stats capped when a new value is left out, never for a repeat', () => {
    const s = emptyStats(false, true);
    for (let i = 0; i < DISTINCT_VALUES_PER_SLOT_MAX; i++) addValue(s, 1, `v${i}`);
    addValue(s, 1, 'v0');
    expect(s.capped).toBeUndefined();
    addValue(s, 1, 'one-more');
    expect(s.capped).toBe(true);
    expect(aggregate(s, 'distinct_count', 0)).toBe(DISTINCT_VALUES_PER_SLOT_MAX);
  });

  it('carries the mark through a merge, and marks a merge that leaves values out', () => {
    const a = emptyStats(false, true);
    addValue(a, 1, 'x');
    const out = emptyStats(false, true);
    mergeStats(out, a, 0);
    expect(out.capped).toBe(true);
    const capped = { ...emptyStats(false, true), capped: true };
    addValue(capped, 1, 'y');
    const out2 = emptyStats(false, true);
    mergeStats(out2, capped);
    expect(out2.capped).toBe(true);
  });

  it('a calendar period keeps the merged bound, not the per-slot one (issue 13: a tile stopped at 10 000)', () => {
    const w = new CalendarKpiWindow('today', 'UTC', [{ withSketch: false, withDistinct: true }], (stats) =>
      aggregate(stats[0]!, 'distinct_count', 0),
    );
    const n = DISTINCT_VALUES_PER_SLOT_MAX + 5;
    for (let i = 0; i < n; i++) w.add(0, DAY0 + MIN, 1, `c${i}`);
    expect(w.value(DAY0 + 2 * MIN)).toBe(n);
    expect(w.lowerBound()).toBe(false);
    expect(DISTINCT_VALUES_MERGED_MAX).toBeGreaterThan(n);
  });
});
