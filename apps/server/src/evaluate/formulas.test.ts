import { describe, expect, it } from 'vitest';
import { KpiSchema, type KpiInput, type MetricEvent } from '@northstar/shared';
import { KpiEvaluator } from './evaluator.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const kpi = (over: Partial<KpiInput>) => KpiSchema.parse({ id: 'k', name: 'K', window: '5m', ...over } as KpiInput);
const ev = (metric: string, value: number, ts: number, dims: Record<string, string> = {}): MetricEvent => ({
  metric,
  value,
  ts,
  id: '',
  dims,
});

describe('formulas', () => {
  it('filters by dimensions: every pair must match', () => {
    const e = new KpiEvaluator([
      kpi({ id: 'eu', metric: 'orders', aggregation: 'sum', filter: { region: 'eu' } }),
      kpi({ id: 'eu-web', metric: 'orders', aggregation: 'sum', filter: { region: 'eu', channel: 'web' } }),
      kpi({ id: 'all', metric: 'orders', aggregation: 'sum' }),
    ]);
    e.observe([
      ev('orders', 1, T0 - 1000, { region: 'eu', channel: 'web' }),
      ev('orders', 2, T0 - 1000, { region: 'eu', channel: 'app' }),
      ev('orders', 4, T0 - 1000, { region: 'us', channel: 'web' }),
      ev('orders', 8, T0 - 1000),
    ]);
    e.evaluate(T0);
    expect(e.state('eu')?.value).toBe(3);
    expect(e.state('eu-web')?.value).toBe(1);
    expect(e.state('all')?.value).toBe(15);
  });

  it('counts distinct values of a dimension, ignoring events without it, and they leave with their slot', () => {
    const e = new KpiEvaluator([kpi({ metric: 'logins', aggregation: 'distinct_count', distinctBy: 'user' })]);
    e.observe([
      ev('logins', 1, T0 - 4 * MIN, { user: 'a' }),
      ev('logins', 1, T0 - 2 * MIN, { user: 'b' }),
      ev('logins', 1, T0 - 1 * MIN, { user: 'a' }),
      ev('logins', 1, T0 - 1 * MIN),
    ]);
    e.evaluate(T0);
    expect(e.state('k')?.value).toBe(2);
    e.evaluate(T0 + 2 * MIN); // the 4-minute-old "a" left; the 1-minute-old one keeps "a" in
    expect(e.state('k')?.value).toBe(2);
    e.evaluate(T0 + 3.5 * MIN);
    expect(e.state('k')?.value).toBe(1);
    expect(e.state('k')?.previous).toBe(2);
  });

  it('divides two measures, × scale; null when the denominator is 0 or empty; 0 for an empty additive numerator', () => {
    const e = new KpiEvaluator([
      kpi({
        metric: undefined,
        aggregation: undefined,
        ratio: {
          numerator: { metric: 'orders', aggregation: 'count' },
          denominator: { metric: 'sessions', aggregation: 'sum', filter: { region: 'eu' } },
          scale: 100,
        },
        target: 5,
      }),
    ]);
    e.evaluate(T0);
    expect(e.state('k')).toMatchObject({ value: null, status: 'no_data' });
    e.observe([ev('sessions', 40, T0 - 1000, { region: 'eu' }), ev('sessions', 1000, T0 - 1000, { region: 'us' })]);
    e.evaluate(T0);
    expect(e.state('k')?.value).toBe(0);
    e.observe([ev('orders', 1, T0 - 500), ev('orders', 1, T0 - 400)]);
    e.evaluate(T0 + 1);
    expect(e.state('k')).toMatchObject({ value: 5, status: 'on_track', attainment: 100, lastEventTs: T0 - 400 });
    expect(e.spark('k').at(-1)?.[1]).toBeNull(); // no slot completed since the events
    e.evaluate(T0 + 5000);
    expect(e.spark('k').at(-1)).toEqual([T0 + 5000, 5]);
  });

  it('is no_target with a value but nothing to compare, and scores a band', () => {
    const e = new KpiEvaluator([
      kpi({ id: 'free', metric: 'm', aggregation: 'avg' }),
      kpi({ id: 'band', metric: 'm', aggregation: 'avg', direction: 'within_range', low: 10, high: 20 }),
    ]);
    e.observe([ev('m', 21, T0 - 1000)]);
    e.evaluate(T0);
    expect(e.state('free')).toMatchObject({ value: 21, status: 'no_target', attainment: null, target: null });
    expect(e.state('band')).toMatchObject({ value: 21, status: 'at_risk', targetLow: 10, targetHigh: 20 });
    expect(e.state('band')?.attainment).toBeCloseTo(90);
  });

  it('sums from the start of the day in the KPI’s zone, resets at midnight and compares with the same span yesterday', () => {
    const start = Date.UTC(2026, 9, 24, 22); // midnight in Berlin, 25 Oct 2026 (a 25-hour day)
    const e = new KpiEvaluator([kpi({ metric: 'm', aggregation: 'sum', window: 'today', timezone: 'Europe/Berlin', target: 100 })]);
    e.evaluate(start + HOUR);
    e.observe([ev('m', 10, start + HOUR + 1000), ev('m', 5, start + 2 * HOUR)]);
    e.evaluate(start + 3 * HOUR);
    expect(e.state('k')?.value).toBe(15);
    const spark = e.spark('k');
    expect(spark.at(-1)).toEqual([start + 3 * HOUR, 15]);
    expect(spark.every(([t]) => t > start && (t - start) % (15 * MIN) === 0)).toBe(true);
    // next day, 26 Oct, starts 25 hours later; the first event after midnight starts fresh
    const next = start + 25 * HOUR;
    e.evaluate(next + HOUR);
    e.observe([ev('m', 7, next + 2 * HOUR)]);
    e.evaluate(next + 3 * HOUR);
    expect(e.state('k')).toMatchObject({ value: 7, previous: 15, status: 'off_track' });
    // an event for the closed day is not counted live
    e.observe([ev('m', 100, next - 1000)]);
    e.evaluate(next + 3 * HOUR + 1000);
    expect(e.state('k')?.value).toBe(7);
  });

  it('compares a paced calendar KPI with where it should be by now', () => {
    const e = new KpiEvaluator([
      kpi({
        metric: 'm',
        aggregation: 'sum',
        window: 'month_to_date',
        targets: [{ period: '2026-11', value: 3000, pacing: 'linear' }],
      }),
    ]);
    const midMonth = Date.UTC(2026, 10, 16);
    e.observe([ev('m', 1500, midMonth - HOUR)]);
    e.evaluate(midMonth);
    expect(e.state('k')).toMatchObject({ value: 1500, target: 3000, expected: 1500, period: '2026-11', status: 'on_track' });
    expect(e.state('k')?.attainment).toBeCloseTo(100);
  });

  it('replaces a changed KPI with fresh state in place, and removes one', () => {
    const e = new KpiEvaluator([kpi({ id: 'a', metric: 'm', aggregation: 'sum' }), kpi({ id: 'b', metric: 'm', aggregation: 'count' })]);
    e.observe([ev('m', 3, T0 - 1000)]);
    e.evaluate(T0);
    e.upsert(kpi({ id: 'a', metric: 'n', aggregation: 'sum' }));
    e.observe([ev('m', 3, T0), ev('n', 4, T0)]);
    e.evaluate(T0 + 1);
    expect(e.definitions.map((d) => d.id)).toEqual(['a', 'b']);
    expect(e.state('a')?.value).toBe(4);
    expect(e.state('b')?.value).toBe(2);
    e.remove('b');
    expect(e.state('b')).toBeUndefined();
    expect(e.metrics()).toEqual(['n']);
  });
});
