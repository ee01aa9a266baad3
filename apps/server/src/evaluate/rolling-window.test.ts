import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { HyperLogLog } from '../partials/hll.ts';
import { RollingWindow, aggregate, SKETCH_RELATIVE_ACCURACY, type WindowSummary } from './rolling-window.ts';
import { addValue, emptyStats } from './stats.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1] as number;
}

describe('RollingWindow', () => {
  it('aggregates what falls inside the window', () => {
    const w = new RollingWindow(5 * MIN, false);
    const values = [3, 9, 1, 7];
    values.forEach((v, i) => w.add(T0 - i * MIN, v));
    const s = w.summarize(T0);
    expect(aggregate(s, 'count', w.windowMs)).toBe(4);
    expect(aggregate(s, 'sum', w.windowMs)).toBe(20);
    expect(aggregate(s, 'avg', w.windowMs)).toBe(5);
    expect(aggregate(s, 'min', w.windowMs)).toBe(1);
    expect(aggregate(s, 'max', w.windowMs)).toBe(9);
    expect(aggregate(s, 'rate', w.windowMs)).toBeCloseTo(20 / 300);
  });

  it('lets events leave the window as time passes, and shows them as the previous window', () => {
    const w = new RollingWindow(5 * MIN, false);
    w.add(T0, 10);
    w.add(T0 + 4 * MIN, 5);
    expect(aggregate(w.summarize(T0 + 4 * MIN), 'sum', w.windowMs)).toBe(15);
    // the first event is older than 5 minutes (plus one slot of slide) at T0 + 5m10s
    const later = T0 + 5 * MIN + 10_000;
    expect(aggregate(w.summarize(later), 'sum', w.windowMs)).toBe(5);
    expect(aggregate(w.summarize(later, 1), 'sum', w.windowMs)).toBe(10);
    expect(aggregate(w.summarize(T0 + 20 * MIN), 'sum', w.windowMs)).toBeNull();
  });

  it('ignores events older than both windows and reuses slots without mixing them', () => {
    const w = new RollingWindow(MIN, false);
    w.add(T0 + 10 * MIN, 1);
    expect(w.add(T0, 100)).toBe(false);
    expect(aggregate(w.summarize(T0 + 10 * MIN), 'sum', w.windowMs)).toBe(1);
  });

  it('answers quantiles within the sketch accuracy', () => {
    const w = new RollingWindow(10 * MIN, true);
    const values = Array.from({ length: 5000 }, (_, i) => 10 + ((i * 7919) % 1000));
    values.forEach((v, i) => w.add(T0 - (i % 500) * 1000, v));
    const s = w.summarize(T0);
    for (const [agg, q] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p95', 0.95],
      ['p99', 0.99],
    ] as const) {
      const exact = exactQuantile(values, q);
      expect(Math.abs((aggregate(s, agg, w.windowMs) as number) - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY * 1.01);
    }
  });

  it('seeds slots from stored aggregates', () => {
    const w = new RollingWindow(MIN, true);
    w.seed(Math.floor(T0 / w.slotMs), { count: 4, sum: 40, min: 5, max: 15 }, [5, 10, 15]);
    const s = w.summarize(T0);
    expect(aggregate(s, 'count', w.windowMs)).toBe(4);
    expect(aggregate(s, 'avg', w.windowMs)).toBe(10);
    expect(aggregate(s, 'max', w.windowMs)).toBe(15);
  });
});

/** Everything a reader can get from a summary, in a form `toEqual` compares exactly (Object.is on numbers). */
function readout(s: WindowSummary): unknown {
  return {
    count: s.count,
    sum: s.sum,
    min: s.min,
    max: s.max,
    capped: s.capped === true,
    distinct: s.distinct === undefined ? undefined : [...s.distinct],
    sketch:
      s.sketch === undefined
        ? undefined
        : {
            count: s.sketch.count,
            zeroCount: s.sketch.zeroCount,
            min: s.sketch.min,
            max: s.sketch.max,
            quantiles: [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 1].map((q) => s.sketch?.getValueAtQuantile(q)),
          },
    hll: s.hll === undefined ? undefined : Buffer.from(s.hll.registers).toString('base64'),
    answers: AGGREGATIONS.map((a) => aggregate(s, a, 60_000)),
  };
}

const AGGREGATIONS = ['sum', 'count', 'avg', 'min', 'max', 'rate', 'distinct_count', 'p50', 'p90', 'p95', 'p99'] as const;

describe('RollingWindow: cached reads equal a fresh merge of the slots', () => {
  // windows of 10 slots slide (and rebuild their prefix merges) often; 60 slots is the real shape
  it.each([
    { seed: 1, windowMs: 10_000, sketch: true, distinct: false },
    { seed: 2, windowMs: 10_000, sketch: false, distinct: true },
    { seed: 3, windowMs: 60_000, sketch: true, distinct: true },
    { seed: 4, windowMs: 5 * MIN, sketch: false, distinct: false },
    { seed: 5, windowMs: 5 * MIN, sketch: true, distinct: false },
  ])('under random events, partials, seeds, slides and reads: $windowMs ms, seed $seed', ({ seed, windowMs, sketch, distinct }) => {
    const rand = seededRng(seed);
    const w = new RollingWindow(windowMs, sketch, distinct);
    // values with a fraction, so a sum merged in another order would differ in its last bits
    const value = (): number => Math.round((rand() * 300 - 100) * 1000) / 1000;
    const key = (): string | undefined => (distinct ? `k${Math.floor(rand() * 80)}` : undefined);
    let now = T0;
    for (let step = 0; step < 1000; step++) {
      const r = rand();
      if (r < 0.5) w.add(now - Math.floor(rand() * 1000), value(), key());
      else if (r < 0.6)
        w.add(now - Math.floor(rand() * 2.5 * windowMs), value(), key()); // late, up to past both windows
      else if (r < 0.62)
        w.add(now + Math.floor(rand() * 3 * windowMs), value(), key()); // ahead: takes ring places
      else if (r < 0.68) {
        // a partial from another instance, with negative values and, for distinct, a HyperLogLog
        const stats = emptyStats(sketch && rand() < 0.8, distinct);
        for (let i = 0; i < 5; i++) addValue(stats, value(), key());
        if (distinct && rand() < 0.5) {
          stats.hll = new HyperLogLog();
          for (let i = 0; i < 20; i++) stats.hll.add(`h${Math.floor(rand() * 500)}`);
        }
        w.addStats(now - Math.floor(rand() * windowMs), stats);
      } else if (r < 0.7) {
        // a start-up rebuild: whole or fractional weights (count / samples), the latter merged in ring order
        const samples = [value(), value(), value()];
        const count = rand() < 0.5 ? 6 : 5;
        w.seed(
          Math.floor((now - rand() * windowMs) / w.slotMs),
          { count, sum: 10.5, min: -3, max: 7 },
          samples,
          distinct ? ['s1', 's2'] : [],
        );
      } else if (r < 0.85) now += Math.floor(rand() * w.slotMs);
      else if (r < 0.88)
        now += Math.floor(rand() * 3 * windowMs); // an idle stretch
      else if (r < 0.9) now -= Math.floor(rand() * 2 * w.slotMs); // a read for an earlier time
      const offset: 0 | 1 = rand() < 0.7 ? 0 : 1;
      expect(readout(w.summarize(now, offset)), `step ${step}`).toEqual(readout(w.summarizeFresh(now, offset)));
      const other = offset === 0 ? 1 : 0;
      if (rand() < 0.3) expect(readout(w.summarize(now, other))).toEqual(readout(w.summarizeFresh(now, other)));
      if (rand() < 0.02) {
        // the sparkline: the window ending at each of the last completed slots
        for (const a of AGGREGATIONS) {
          const points = w.history(now, a);
          expect(points.map(([, v]) => v)).toEqual(points.map(([t]) => aggregate(w.summarizeFresh(t - w.slotMs), a, w.windowMs)));
        }
      }
    }
  });
});
