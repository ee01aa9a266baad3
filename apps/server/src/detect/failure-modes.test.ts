/**
 * The failure modes of issue 12, each on a series shaped like the real ones that showed it.
 * Only backtest() is used, so the same file can be run against an older detector.
 */
import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { backtest } from './backtest.ts';

const STEP = 15 * 60_000;
const DAY = 96;
const T0 = Date.UTC(2025, 2, 3);
const both = { direction: 'within_range', timezone: 'UTC' } as const;
const gaussian = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
const at = (values: Array<number | null>) => values.map((value, i) => ({ ts: T0 + i * STEP, value }));

/** Mostly zeros, now and then an order worth 20–200 (not a count): the scale of the zeros is 0. */
function zeroInflated(n: number, seed: number): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => (rng() < 0.15 ? Math.round(60 * Math.exp(0.6 * gaussian(rng)) * 100) / 100 : 0));
}

describe('sparse and zero-inflated series', () => {
  it('does not call ordinary activity of a zero-heavy series an anomaly, yet flags a real burst', () => {
    const values: Array<number | null> = zeroInflated(20 * DAY, 3);
    for (let i = 15 * DAY; i < 15 * DAY + 8; i++) values[i] = 2000 + i;
    const points = backtest(at(values), {}, both);
    const falseFlags = points.filter((p, i) => p.flag && (i < 15 * DAY || i > 15 * DAY + 12));
    expect(falseFlags.length).toBeLessThanOrEqual(3);
    expect(points.slice(15 * DAY, 15 * DAY + 8).some((p) => p.flag)).toBe(true);
  });

  it('treats one or two events on a near-zero count as ordinary', () => {
    const rng = seededRng(8);
    const values = Array.from({ length: 10 * DAY }, () => (rng() < 0.05 ? 1 + Math.floor(rng() * 2) : 0));
    const flags = backtest(at(values), {}, both).filter((p) => p.flag);
    expect(flags.length).toBeLessThanOrEqual(2);
  });
});

describe('scores comparable across series', () => {
  it('gives one sensitivity about the same false-alarm rate on very different quiet KPIs', () => {
    const n = 60 * DAY;
    const shapes: Record<string, (rng: () => number, i: number) => number> = {
      gaussian: (rng) => 100 + 2 * gaussian(rng),
      latency: (rng) => Math.round(200 * Math.exp(0.5 * gaussian(rng))),
      counts: (rng) => {
        // Poisson, mean 3
        let k = 0;
        for (let p = rng(); p > Math.exp(-3); p *= rng()) k++;
        return k;
      },
      walk: (() => {
        let x = 500;
        return (rng: () => number) => (x += gaussian(rng));
      })(),
    };
    const rates = Object.entries(shapes).map(([name, f]) => {
      const rng = seededRng(name.length * 7919);
      const values = Array.from({ length: n }, (_, i) => f(rng, i));
      const flags = backtest(at(values), {}, both)
        .slice(7 * DAY)
        .filter((p) => p.flag).length;
      return (1000 * flags) / (n - 7 * DAY);
    });
    // at most a few false alarms per 1 000 quiet points on each, within a factor of 5 of each other
    for (const r of rates) expect(r).toBeLessThan(4);
    expect(Math.max(...rates)).toBeLessThanOrEqual(5 * Math.max(0.2, Math.min(...rates)));
  });
});

describe('saturation', () => {
  it('never scores exactly 1 because a scale collapsed', () => {
    const values: Array<number | null> = zeroInflated(10 * DAY, 4);
    // a constant stretch (MAD 0, mean absolute deviation 0), then ordinary activity again
    for (let i = 3 * DAY; i < 4 * DAY; i++) values[i] = 0;
    const points = backtest(at(values), {}, both);
    expect(points.filter((p) => p.score >= 1)).toEqual([]);
    expect(Math.max(...points.map((p) => p.score))).toBeLessThan(0.99);
  });
});

describe('warm-up', () => {
  /** A daily curve with steep morning and evening ramps, 5 % noise, from the first day on. */
  function daily(days: number, seed: number): number[] {
    const rng = seededRng(seed);
    return Array.from({ length: days * DAY }, (_, i) => {
      const hour = (i % DAY) / 4;
      const base = hour >= 8 && hour < 20 ? 1000 : 200;
      return base * (1 + 0.05 * gaussian(rng));
    });
  }

  it('says "learning" instead of guessing at first, then judges', () => {
    const points = backtest(at(daily(4, 1)), {}, both);
    expect(points[0]?.learning).toBe(true);
    expect(points.at(-1)?.learning).toBe(false);
    expect(points.filter((p) => p.learning).every((p) => p.score === 0 && !p.flag && p.lower === null)).toBe(true);
  });

  it('does not flag the daily ramps between day 3 and day 7', () => {
    const points = backtest(at(daily(8, 2)), {}, both);
    expect(points.slice(2 * DAY, 8 * DAY).filter((p) => p.flag)).toEqual([]);
  });
});

describe('a series without a season', () => {
  it('keeps the seasonal profile from voting on heavy-tailed noise, and stays quiet', () => {
    const rng = seededRng(11);
    const values = Array.from({ length: 28 * DAY }, () => 200 * Math.exp(0.5 * gaussian(rng)) * (rng() < 0.01 ? 4 : 1));
    const points = backtest(at(values), {}, both).slice(7 * DAY);
    expect(points.filter((p) => p.flag).length).toBeLessThanOrEqual(4);
    expect(points.filter((p) => p.detector === 'seasonal').length).toBeLessThan(points.length / 4);
  });
});

describe('one alarm per episode', () => {
  it('raises one flag for a day-long level shift, not a run of them', () => {
    const rng = seededRng(21);
    const values = Array.from({ length: 14 * DAY }, (_, i) => 100 + 2 * gaussian(rng) + (i >= 10 * DAY && i < 11 * DAY ? 20 : 0));
    const points = backtest(at(values), {}, both);
    // (the return to the old level a day later is a change of its own, judged after re-baselining)
    const inShift = points.slice(10 * DAY, 11 * DAY).filter((p) => p.flag);
    expect(inShift).toHaveLength(1);
    expect(points.slice(10 * DAY, 10 * DAY + 4).some((p) => p.flag)).toBe(true);
  });
});
