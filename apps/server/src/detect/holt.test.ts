import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { HOLT_MIN_POINTS, HoltDetector } from './holt.ts';
import { zThreshold } from './score.ts';

const medium = zThreshold('medium');

describe('HoltDetector', () => {
  it('warms up for HOLT_MIN_POINTS values', () => {
    const d = new HoltDetector();
    for (let i = 0; i < HOLT_MIN_POINTS; i++) {
      expect(d.assess(5).lower).toBeNull();
      d.learn(5);
    }
    expect(d.ready).toBe(true);
    expect(d.assess(5).lower).not.toBeNull();
  });

  it('scores a constant series 0 with a tight band', () => {
    const d = new HoltDetector();
    for (let i = 0; i < 100; i++) d.learn(42.5);
    const a = d.assess(42.5);
    expect(a.score).toBe(0);
    expect(a.expected).toBeCloseTo(42.5);
    expect((a.upper as number) - (a.lower as number)).toBeLessThan(0.05 * 42.5);
  });

  it('gives a constant count the Poisson sigma as its floor', () => {
    const d = new HoltDetector();
    for (let i = 0; i < 100; i++) d.learn(16);
    const a = d.assess(16);
    expect(a.upper as number).toBeCloseTo(16 + 4.5 * 4);
  });

  it('forecasts a linear trend one step ahead (the damped trend lags by under one step)', () => {
    const d = new HoltDetector();
    for (let i = 0; i < 300; i++) d.learn(10.5 + 2 * i);
    const a = d.assess(10.5 + 2 * 300);
    expect(Math.abs((a.expected as number) - 610.5)).toBeLessThan(2);
    expect(a.score).toBe(0);
  });

  it('flags a 6-sigma spike, and the spike does not drag the level (winsorized learning)', () => {
    const rng = seededRng(11);
    const d = new HoltDetector();
    for (let i = 0; i < 400; i++) d.learn(100 + 4 * (rng() - 0.5) * Math.sqrt(12)); // uniform noise, sigma 4
    const before = d.assess(100).expected as number;
    const spike = d.assess(100 + 6 * 4);
    expect(spike.score).toBeGreaterThan(medium);
    d.learn(100 + 50 * 4);
    expect(Math.abs((d.assess(100).expected as number) - before)).toBeLessThan(2 * 4);
  });
});
