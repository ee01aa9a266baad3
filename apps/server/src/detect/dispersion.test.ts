import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { backtest } from './backtest.ts';
import { DISPERSION_POINTS, DispersionWindow } from './dispersion.ts';

const STEP = 15 * 60_000;
const DAY = 96;
const T0 = Date.UTC(2025, 2, 3);
const gaussian = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const at = (values: number[]) => values.map((value, i) => ({ ts: T0 + i * STEP, value }));

/** A KPI with a ±40 % daily cycle and 2 % noise proportional to it; noise × `factor(i)`. */
function seasonal(n: number, seed: number, factor: (i: number) => number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const base = 300 * (1 + 0.4 * Math.cos((2 * Math.PI * (i % DAY)) / DAY));
    return base * (1 + 0.02 * gaussian(rng) * factor(i));
  });
}

const fill = (w: DispersionWindow, values: number[]) => values.forEach((v) => w.learn(v, w.spread(v), 0));

describe('DispersionWindow', () => {
  it('is blind to a steady ramp and to a level shift, and sees a change in spread', () => {
    const rng = seededRng(1);
    const w = new DispersionWindow();
    // a steep ramp with unit noise: the spread is the noise's, not the slope's
    fill(
      w,
      Array.from({ length: 200 }, (_, i) => 50 * i + gaussian(rng)),
    );
    const usual = w.spread(200 * 50) as number;
    expect(usual).toBeGreaterThan(0.5);
    expect(usual).toBeLessThan(3);
    // a level shift of 1 000 sigmas is one odd change: the spread barely moves
    const shifted = w.spread(200 * 50 + 1000) as number;
    expect(shifted).toBeLessThan(3 * usual);
    // twelve points four times as noisy, then the ratio is about log 4
    const noisy = Array.from({ length: DISPERSION_POINTS }, (_, k) => 50 * (200 + k) + 4 * gaussian(rng));
    noisy.forEach((v) => w.learn(v, null, 0));
    const ratio = w.ratio(w.spread(50 * 212 + 4 * gaussian(rng)), 0) as number;
    expect(ratio).toBeGreaterThan(Math.log(2));
    expect(ratio).toBeLessThan(Math.log(8));
  });

  it('reads a flat series as its usual self, not as −∞', () => {
    const w = new DispersionWindow();
    fill(w, new Array<number>(100).fill(5));
    const r = w.ratio(w.spread(5), 0);
    expect(Number.isFinite(r)).toBe(true);
  });
});

describe('variance regimes on a seasonal KPI', () => {
  // fails without the spread channel: a ×4 noise regime stays inside the daily band of the point
  // and mean channels, and a calmer one (a frozen source) deviates nowhere at all
  it('flags a noisier regime and a calmer one, each as variance_change, near their start', () => {
    const noisyAt = 12 * DAY + 30;
    const calmAt = 18 * DAY + 50;
    const values = seasonal(22 * DAY, 5, (i) => (i >= noisyAt && i < noisyAt + 40 ? 4 : i >= calmAt && i < calmAt + 40 ? 1 / 10 : 1));
    const points = backtest(at(values), {}, { direction: 'within_range', timezone: 'UTC' });
    const firstFlag = (from: number) => points.findIndex((p, i) => i >= from && i < from + 40 && p.flag);
    const noisy = firstFlag(noisyAt);
    const calm = firstFlag(calmAt);
    expect(noisy).toBeGreaterThanOrEqual(noisyAt);
    expect(noisy - noisyAt).toBeLessThan(2 * DISPERSION_POINTS);
    expect(calm).toBeGreaterThanOrEqual(calmAt);
    expect(calm - calmAt).toBeLessThan(2 * DISPERSION_POINTS);
    expect(points[calm]?.detector).toBe('variance_change');
    // and the quiet weeks around them stay quiet
    const falseFlags = points.filter(
      (p, i) => p.flag && i > 3 * DAY && !(i >= noisyAt && i < noisyAt + 60) && !(i >= calmAt && i < calmAt + 60),
    );
    expect(falseFlags.length).toBeLessThanOrEqual(2);
  });

  it('a KPI watched one way flags more spread but not less', () => {
    const calmAt = 14 * DAY + 50;
    const values = seasonal(18 * DAY, 6, (i) => (i >= calmAt && i < calmAt + 40 ? 1 / 10 : 1));
    const calmFlagged = (direction: 'within_range' | 'higher_is_better') =>
      backtest(at(values), {}, { direction, timezone: 'UTC' })
        .slice(calmAt, calmAt + 40)
        .some((p) => p.flag && p.detector === 'variance_change');
    expect(calmFlagged('within_range')).toBe(true);
    expect(calmFlagged('higher_is_better')).toBe(false);
  });

  it('stays silent on counts, whose spread follows their level', () => {
    const rng = seededRng(9);
    // Poisson-like counts around 3 per step with a daily cycle: every window's spread differs by chance
    const values = Array.from({ length: 14 * DAY }, (_, i) => {
      const lambda = 3 * (1 + 0.8 * Math.cos((2 * Math.PI * (i % DAY)) / DAY));
      let k = 0;
      for (let p = rng(); p > Math.exp(-lambda); p *= rng()) k++;
      return k;
    });
    const points = backtest(at(values), {}, { direction: 'within_range', timezone: 'UTC' });
    expect(points.filter((p) => p.detector === 'variance_change')).toHaveLength(0);
  });
});
