import { describe, expect, it } from 'vitest';
import { RollingWindow, aggregate, SKETCH_RELATIVE_ACCURACY } from './rolling-window.ts';

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
