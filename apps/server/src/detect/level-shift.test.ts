import { describe, expect, it } from 'vitest';
import { CUSUM_H, LevelShiftDetector } from './level-shift.ts';
import { SENSITIVITY_Z, zThreshold } from './score.ts';

const medium = zThreshold('medium');

/** Feeds z-scores; returns the index of the first point scored at or above medium, or -1. */
function firstFlag(d: LevelShiftDetector, zs: number[]): number {
  for (let i = 0; i < zs.length; i++) {
    const a = d.assess(zs[i] as number);
    d.learn(zs[i] as number);
    if (a.score >= medium) return i;
  }
  return -1;
}

describe('LevelShiftDetector', () => {
  it('stays at 0 on residuals within the allowance', () => {
    const d = new LevelShiftDetector();
    const zs = Array.from({ length: 1000 }, (_, i) => [0.8, -1, 1.2, -0.5, 0][i % 5] as number);
    expect(firstFlag(d, zs)).toBe(-1);
  });

  it('catches a 4-sigma shift within 3 points, upwards and downwards', () => {
    expect(firstFlag(new LevelShiftDetector(), [0, 0.3, -0.2, 4, 4, 4, 4])).toBeLessThanOrEqual(3 + 2);
    expect(firstFlag(new LevelShiftDetector(), [4, 4, 4, 4])).toBeLessThan(3);
    const d = new LevelShiftDetector();
    d.assess(-4);
    d.learn(-4);
    const a = d.assess(-4);
    expect(a.score).toBeGreaterThanOrEqual(medium);
    expect(a.side).toBe(-1);
    expect(a.alarm).toBe(true);
  });

  it('catches a 3-sigma shift within 4 points', () => {
    expect(firstFlag(new LevelShiftDetector(), [3, 3, 3, 3, 3])).toBeLessThan(4);
  });

  it('does not read one spike, however large, as a shift', () => {
    expect(firstFlag(new LevelShiftDetector(), [0, 50, 0, 0, -60, 0, 0])).toBe(-1);
  });

  it('resets after a confirmed shift, re-baselining on the new level', () => {
    const d = new LevelShiftDetector();
    expect(d.learn(4)).toBe(false);
    expect(d.learn(4)).toBe(true);
    // the sums restarted: once the baseline has moved to the new level, ordinary residuals score 0
    expect(d.assess(0).score).toBe(0);
    expect(d.assess(3).score).toBe(0);
  });

  it('is scored on the common z scale: S = CUSUM_H flags exactly at medium', () => {
    const d = new LevelShiftDetector(SENSITIVITY_Z.low);
    expect(d.assess(4).alarm).toBe(false); // S = 2.5
    d.learn(4);
    const a = d.assess(4); // S = 5 = CUSUM_H: medium, not low
    expect(a.score).toBeCloseTo(zThreshold('medium'));
    expect(a.alarm).toBe(false);
    expect(CUSUM_H).toBeGreaterThan(0);
  });

  it('holds its sums across a gap', () => {
    const d = new LevelShiftDetector();
    d.learn(3);
    const before = d.assess(null).score;
    d.learn(null);
    expect(d.assess(null).score).toBe(before);
  });
});
