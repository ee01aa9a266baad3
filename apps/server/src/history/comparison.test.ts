import { describe, expect, it } from 'vitest';
import { alignComparison, comparisonMap, comparisonRange, parseCompare } from './comparison.ts';

const H = 3_600_000;
const D = 24 * H;

describe('parseCompare', () => {
  it('reads a list and names what it does not know', () => {
    expect(parseCompare(undefined)).toEqual([]);
    expect(parseCompare('previous,last_year,previous')).toEqual(['previous', 'last_year']);
    expect(parseCompare('previous,lastweek')).toMatch(/unknown comparison "lastweek"/);
  });
});

describe('comparison math', () => {
  it('compares with the same-length range just before', () => {
    const range = { fromMs: 10 * H, toMs: 16 * H, stepMs: H };
    const map = comparisonMap('previous', range, 'UTC');
    expect(comparisonRange(map, range)).toEqual({ fromMs: 4 * H, toMs: 10 * H, stepMs: H });
    const compared: Array<[number, number | null]> = [5, 6, 7, 8, 9, 10].map((h) => [h * H, h]);
    const times = [11, 12, 13, 14, 15, 16].map((h) => h * H);
    expect(alignComparison(times, compared, map, H)).toEqual(times.map((t, i) => [t, i + 5]));
  });

  it('shifts whole local days for day steps, across a DST change', () => {
    // Berlin local midnights 2026-10-26..28 (after the change) against 23..25 (before it)
    const midnight = (day: number) => Date.UTC(2026, 9, day) - (day <= 25 ? 2 : 1) * H;
    const range = { fromMs: midnight(25), toMs: midnight(28), stepMs: D };
    const map = comparisonMap('previous', range, 'Europe/Berlin');
    expect(map(midnight(28))).toBe(midnight(25));
    expect(map(midnight(26))).toBe(midnight(23));
  });

  it('compares with the same local dates a year earlier, DST-safe', () => {
    const range = { fromMs: Date.UTC(2026, 6, 1), toMs: Date.UTC(2026, 6, 2), stepMs: H };
    const map = comparisonMap('last_year', range, 'Europe/Berlin');
    expect(map(Date.UTC(2026, 6, 1, 10))).toBe(Date.UTC(2025, 6, 1, 10));
    // 2028-02-29 has no twin: it maps to 2027-02-28
    expect(new Date(comparisonMap('last_year', range, 'UTC')(Date.UTC(2028, 1, 29, 12))).toISOString()).toBe('2027-02-28T12:00:00.000Z');
    // local 09:00 on 2026-03-30 (summer time) is 09:00 on 2025-03-30 (also summer time: the change was that day)
    expect(map(Date.UTC(2026, 2, 30, 7))).toBe(Date.UTC(2025, 2, 30, 7));
    // local 12:00 on 2026-03-28 (winter time) is 12:00 on 2025-03-28 (winter time)
    expect(map(Date.UTC(2026, 2, 28, 11))).toBe(Date.UTC(2025, 2, 28, 11));
  });

  it('takes the latest compared point within a step, and null beyond', () => {
    const compared: Array<[number, number | null]> = [
      [0, 1],
      [H, 2],
      [3 * H, 4],
    ];
    const same = (t: number) => t;
    expect(alignComparison([H, 2 * H, 2 * H + 10, 3 * H], compared, same, H)).toEqual([
      [H, 2],
      [2 * H, null],
      [2 * H + 10, null],
      [3 * H, 4],
    ]);
    expect(alignComparison([H + 30 * 60_000], compared, same, H)).toEqual([[H + 30 * 60_000, 2]]);
  });
});
