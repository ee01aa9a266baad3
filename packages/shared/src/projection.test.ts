import { describe, expect, it } from 'vitest';
import { PACING_MIN_ELAPSED_SHARE, PROJECTION_BAND_Z, projectPeriodEnd, projectedEndValue, slotIncrementSd } from './projection.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 11, 1);
const END = Date.UTC(2027, 0, 1); // December: 744 hours

describe('projectedEndValue', () => {
  it('extrapolates a cumulative value by the elapsed share, or by target/expected when paced', () => {
    expect(projectedEndValue({ value: 300, target: 1000, expected: null, elapsedShare: 0.25, cumulative: true })).toBe(1200);
    expect(projectedEndValue({ value: 300, target: 1000, expected: 400, elapsedShare: 0.25, cumulative: true })).toBe(750);
    expect(projectedEndValue({ value: 42, target: 50, expected: null, elapsedShare: 0.25, cumulative: false })).toBe(42);
  });
});

describe('slotIncrementSd', () => {
  it('is the spread of growth per slot in the current period, ignoring points before it', () => {
    const spark: [number, number | null][] = [
      [START - HOUR, 999],
      [START + HOUR, 10],
      [START + 2 * HOUR, 20],
      [START + 3 * HOUR, 40],
      [START + 4 * HOUR, 50],
    ];
    // increments 10, 20, 10: mean 13.33, sample sd 5.77
    expect(slotIncrementSd(spark, START)).toBeCloseTo(5.7735, 3);
    expect(slotIncrementSd(spark.slice(0, 3), START)).toBeNull();
  });
});

describe('projectPeriodEnd', () => {
  const at = (share: number) => START + share * (END - START);
  const base = { target: 1000, expected: null, startMs: START, endMs: END, slotMs: HOUR };

  it('has no projection before a tenth of the period, nor without a spread', () => {
    expect(projectPeriodEnd({ ...base, value: 50, nowMs: at(PACING_MIN_ELAPSED_SHARE) - 1, slotSd: 2 })).toBeNull();
    expect(projectPeriodEnd({ ...base, value: 50, nowMs: at(0.5), slotSd: null })).toBeNull();
  });

  it('projects the pace with a band that narrows to nothing at the end of the period', () => {
    const half = projectPeriodEnd({ ...base, value: 500, nowMs: at(0.5), slotSd: 2 })!;
    expect(half.value).toBeCloseTo(1000);
    const width = PROJECTION_BAND_Z * 2 * Math.sqrt(372); // 372 hours left
    expect(half.low).toBeCloseTo(1000 - width);
    expect(half.high).toBeCloseTo(1000 + width);
    expect(half.endMs).toBe(END);
    const late = projectPeriodEnd({ ...base, value: 900, nowMs: at(0.9), slotSd: 2 })!;
    expect(late.high - late.low).toBeLessThan(half.high - half.low);
    const done = projectPeriodEnd({ ...base, value: 1000, nowMs: END, slotSd: 2 })!;
    expect([done.low, done.value, done.high]).toEqual([1000, 1000, 1000]);
  });

  it('never puts the band below what is already counted', () => {
    const p = projectPeriodEnd({ ...base, value: 200, nowMs: at(0.2), slotSd: 200 })!;
    expect(p.low).toBe(200);
    expect(p.value).toBeCloseTo(1000);
  });
});
