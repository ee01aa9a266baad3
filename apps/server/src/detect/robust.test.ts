import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { ROBUST_MIN_POINTS, RobustDetector, madOfSorted, medianOfSorted } from './robust.ts';
import { zThreshold } from './score.ts';

function gaussianNoise(seed: number): () => number {
  const rng = seededRng(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

describe('RobustDetector', () => {
  it('warms up: no score and no band before ROBUST_MIN_POINTS values', () => {
    const d = new RobustDetector();
    for (let i = 0; i < ROBUST_MIN_POINTS; i++) {
      const a = d.assess(1000);
      expect(a.score).toBe(0);
      expect(a.lower).toBeNull();
      expect(a.upper).toBeNull();
      d.learn(i % 2 === 0 ? 10 : 11);
    }
    expect(d.assess(10.5).lower).not.toBeNull();
  });

  it('scores a constant series 0 with a tight band (MAD = 0 does not divide by zero)', () => {
    const d = new RobustDetector();
    for (let i = 0; i < 50; i++) d.learn(200.5);
    const a = d.assess(200.5);
    expect(a.score).toBe(0);
    expect(a.expected).toBe(200.5);
    expect(Number.isFinite(a.lower)).toBe(true);
    expect((a.upper as number) - (a.lower as number)).toBeLessThan(0.05 * 200.5);
    expect(d.assess(260).score).toBeGreaterThan(zThreshold('medium'));
  });

  it('treats a low-volume count with MAD = 0 by its Poisson sigma: one more event is not an anomaly, ten are', () => {
    const d = new RobustDetector();
    for (let i = 0; i < 60; i++) d.learn(i % 7 === 0 ? 1 : 0);
    expect(d.assess(1).score).toBe(0);
    expect(d.assess(2).score).toBe(0);
    expect(d.assess(10).score).toBeGreaterThan(zThreshold('medium'));
  });

  it('flags a 6-sigma spike at medium and leaves ordinary noise alone', () => {
    const noise = gaussianNoise(7);
    const d = new RobustDetector();
    let flaggedOrdinary = 0;
    for (let i = 0; i < 500; i++) {
      const v = 100 + 5 * noise();
      if (d.assess(v).score >= zThreshold('medium')) flaggedOrdinary++;
      d.learn(v);
    }
    expect(flaggedOrdinary).toBe(0);
    const spike = d.assess(100 + 6 * 5);
    expect(spike.score).toBeGreaterThan(zThreshold('medium'));
    expect(spike.side).toBe(1);
    expect(d.assess(100 - 6 * 5).side).toBe(-1);
  });

  it('keeps only the last window of values', () => {
    const d = new RobustDetector(20);
    for (let i = 0; i < 20; i++) d.learn(0);
    for (let i = 0; i < 20; i++) d.learn(100 + (i % 3));
    expect(d.assess(101).expected).toBe(101);
  });
});

describe('order statistics', () => {
  it('computes the MAD without sorting again, as a brute force would', () => {
    const rng = seededRng(3);
    for (let n = 1; n < 40; n++) {
      const values = Array.from({ length: n }, () => Math.round(rng() * 20)).sort((a, b) => a - b);
      const median = medianOfSorted(values);
      const deviations = values.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
      expect(madOfSorted(values, median)).toBe(medianOfSorted(deviations));
    }
  });
});
