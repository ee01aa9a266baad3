import { describe, expect, it } from 'vitest';
import { NOT_READY, SENSITIVITY_Z, Z_QUIET, assess, flooredScale, scoreThreshold, zThreshold, zToScore } from './score.ts';

describe('zToScore', () => {
  it('is exactly 0 up to Z_QUIET, whichever the sign', () => {
    expect(zToScore(0)).toBe(0);
    expect(zToScore(Z_QUIET)).toBe(0);
    expect(zToScore(-Z_QUIET)).toBe(0);
    expect(zToScore(NaN)).toBe(0);
  });

  it('rises monotonically towards 1 and is symmetric', () => {
    let previous = 0;
    for (let z = 2.5; z < 30; z += 0.5) {
      const s = zToScore(z);
      expect(s).toBeGreaterThan(previous);
      expect(s).toBeLessThan(1);
      expect(zToScore(-z)).toBe(s);
      previous = s;
    }
  });

  it('orders the sensitivities: high flags earliest, low latest', () => {
    expect(scoreThreshold('high')).toBeLessThan(scoreThreshold('medium'));
    expect(scoreThreshold('medium')).toBeLessThan(scoreThreshold('low'));
    expect(zThreshold('medium')).toBeCloseTo(zToScore(SENSITIVITY_Z.medium));
  });
});

describe('flooredScale and assess', () => {
  it('floors a zero scale relative to the expectation, and at the Poisson sigma for counts', () => {
    expect(flooredScale(0, 200, false)).toBeCloseTo(1);
    expect(flooredScale(0, 0, false)).toBeGreaterThan(0);
    expect(flooredScale(0, 16, true)).toBe(4);
    expect(flooredScale(0, 0, true)).toBe(1);
    expect(flooredScale(7, 16, true)).toBe(7);
  });

  it('gives a gap a band but no score', () => {
    const a = assess(null, 10, 1);
    expect(a.score).toBe(0);
    expect(a.lower).toBeLessThan(10);
    expect(a.upper).toBeGreaterThan(10);
    expect(a.side).toBe(0);
    expect(NOT_READY.lower).toBeNull();
  });
});
