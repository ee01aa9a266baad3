import { describe, expect, it } from 'vitest';
import { KpiSchema } from '@northstar/shared';
import { KpiEvaluator, STORE_DISTINCT_FRESH_MS } from './evaluator.ts';
import { DISTINCT_VALUES_PER_SLOT_MAX } from './stats.ts';
import { CATCH_UP_RECENT_MS } from './catch-up.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const kpi = (over: Record<string, unknown>) =>
  KpiSchema.parse({ id: 'k', name: 'K', objective: 'o', metric: 'm', aggregation: 'sum', window: '5m', target: 100, ...over });

describe('KpiEvaluator', () => {
  it('evaluates every KPI of a metric and reports only changes', () => {
    const ev = new KpiEvaluator([
      kpi({ id: 'total' }),
      kpi({ id: 'n', aggregation: 'count', target: 2 }),
      kpi({ id: 'other', metric: 'x' }),
    ]);
    ev.observe([
      { metric: 'm', value: 60, ts: T0 - 1000, id: '', dims: {} },
      { metric: 'm', value: 50, ts: T0 - 500, id: '', dims: {} },
    ]);
    const first = ev.evaluate(T0);
    expect(first.changed.map((s) => s.id).sort()).toEqual(['n', 'total']);
    expect(ev.state('total')).toMatchObject({ value: 110, status: 'on_track', lastEventTs: T0 - 500 });
    expect(ev.state('total')?.attainment).toBeCloseTo(110);
    expect(ev.state('other')).toMatchObject({ value: null, status: 'no_data' });
    expect(ev.evaluate(T0 + 100).changed).toEqual([]);
  });

  it('turns off track as the window empties', () => {
    const ev = new KpiEvaluator([kpi({})]);
    ev.observe([{ metric: 'm', value: 100, ts: T0, id: '', dims: {} }]);
    ev.evaluate(T0);
    ev.observe([{ metric: 'm', value: 10, ts: T0 + 5 * 60_000, id: '', dims: {} }]);
    ev.evaluate(T0 + 5 * 60_000 + 10_000);
    expect(ev.state('k')).toMatchObject({ value: 10, status: 'off_track', previous: 100 });
  });

  it('draws the sparkline as one window of completed slots, redrawn when a slot completes or late events arrive', () => {
    const ev = new KpiEvaluator([kpi({})]); // 5m window: 60 slots of 5 s
    ev.observe([{ metric: 'm', value: 7, ts: T0 - 60_000, id: '', dims: {} }]);
    const first = ev.evaluate(T0);
    expect(first.sparks.map((s) => s.id)).toEqual(['k']);
    const spark = ev.spark('k');
    expect(spark).toHaveLength(60);
    expect(spark.at(-1)).toEqual([T0, 7]);
    expect(spark[0]).toEqual([T0 - 295_000, null]);
    // same slot, nothing late: no redraw
    expect(ev.evaluate(T0 + 1000).sparks).toEqual([]);
    // a late event into a completed slot redraws, but not more than every 10 s
    ev.observe([{ metric: 'm', value: 3, ts: T0 - 30_000, id: '', dims: {} }]);
    expect(ev.evaluate(T0 + 2000).sparks).toEqual([]);
    expect(ev.evaluate(T0 + 4999).sparks).toEqual([]);
    const next = ev.evaluate(T0 + 5000);
    expect(next.sparks[0]?.points.at(-1)).toEqual([T0 + 5000, 10]);
  });

  it('takes no events for a KPI upserted with live: false, and counts those the ledger hands it when it is activated', () => {
    const ev = new KpiEvaluator([]);
    ev.upsert(kpi({}), { live: false });
    const readByRebuild = { metric: 'm', value: 5, ts: T0 - 1000, id: '', dims: {} };
    const notRead = { metric: 'm', value: 3, ts: T0 - 900, id: '', dims: {} };
    ev.observe([readByRebuild, notRead]);
    ev.evaluate(T0);
    expect(ev.state('k')?.value).toBeNull();
    ev.windowOf('k')!.add(0, readByRebuild.ts, readByRebuild.value, undefined); // what the rebuild read
    ev.activate('k', [notRead]); // count-ledger.ts hands over the held events the rebuild did not read
    ev.evaluate(T0 + 1);
    expect(ev.state('k')?.value).toBe(8);
    ev.observe([{ metric: 'm', value: 7, ts: T0 - 500, id: '', dims: {} }]);
    ev.evaluate(T0 + 2);
    expect(ev.state('k')?.value).toBe(15);
  });

  it("says a distinct count past its slot bound is a lower bound, and shows the store's exact count while it is fresh", () => {
    const ev = new KpiEvaluator([kpi({ aggregation: 'distinct_count', distinctBy: 'c', window: '1h' })]);
    const n = DISTINCT_VALUES_PER_SLOT_MAX + 7;
    ev.observe(Array.from({ length: n }, (_, i) => ({ metric: 'm', value: 1, ts: T0 - 1000, id: '', dims: { c: `v${i}` } })));
    ev.evaluate(T0);
    expect(ev.state('k')).toMatchObject({ value: DISTINCT_VALUES_PER_SLOT_MAX, lowerBound: true });
    const [capped] = ev.cappedDistinctKpis();
    expect(capped?.kpi.id).toBe('k');
    expect(capped?.windowMs).toBe(3_600_000);
    ev.storeDistinct('k', capped!.window, n, T0);
    ev.evaluate(T0 + 1000);
    expect(ev.state('k')?.value).toBe(n);
    expect(ev.state('k')?.lowerBound).toBeUndefined();
    // a stale store count no longer stands in: back to the honest lower bound
    ev.evaluate(T0 + STORE_DISTINCT_FRESH_MS + 1000);
    expect(ev.state('k')).toMatchObject({ value: DISTINCT_VALUES_PER_SLOT_MAX, lowerBound: true });
  });
});

describe('KpiEvaluator while history is loading', () => {
  it('says a KPI is catching up while old events keep arriving, and stops saying it when they stop or reach the clock', () => {
    const ev = new KpiEvaluator([kpi({})]);
    const HOUR = 3_600_000;
    // the demo's backfill: every second of wall clock, five more minutes of history from two hours ago
    for (let i = 0; i < 6; i++) {
      ev.observe([{ metric: 'm', value: 1, ts: T0 - 2 * HOUR + i * 5 * 60_000, id: '', dims: {} }]);
      ev.evaluate(T0 + i * 1000);
      expect(ev.state('k')).toMatchObject({ value: null, status: 'no_data', catchingUp: true });
    }
    // nothing more arrives: after CATCH_UP_RECENT_MS it is a quiet feed again, judged as such
    expect(ev.evaluate(T0 + 5000 + CATCH_UP_RECENT_MS + 1).changed).toEqual([expect.not.objectContaining({ catchingUp: true })]);
    expect(ev.state('k')?.catchingUp).toBeUndefined();
    // live events: not catching up, however often they come
    ev.observe([{ metric: 'm', value: 5, ts: T0 + 40_000, id: '', dims: {} }]);
    ev.evaluate(T0 + 41_000);
    expect(ev.state('k')).toMatchObject({ value: 5 });
    expect(ev.state('k')?.catchingUp).toBeUndefined();
  });
});
