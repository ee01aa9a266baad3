import { describe, expect, it } from 'vitest';
import { KpiSchema, resolveKpi } from '@northstar/shared';
import { KpiEvaluator } from './evaluator.ts';

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const kpi = (over: Record<string, unknown>) =>
  resolveKpi(KpiSchema.parse({ id: 'k', name: 'K', objective: 'o', metric: 'm', aggregation: 'sum', window: '5m', target: 100, ...over }));

describe('KpiEvaluator', () => {
  it('evaluates every KPI of a metric and reports only changes', () => {
    const ev = new KpiEvaluator(
      [kpi({ id: 'total' }), kpi({ id: 'n', aggregation: 'count', target: 2 }), kpi({ id: 'other', metric: 'x' })],
      { sparkIntervalMs: 5000, sparkPoints: 3 },
    );
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

  it('turns off track as the window empties and keeps a bounded sparkline', () => {
    const ev = new KpiEvaluator([kpi({})], { sparkIntervalMs: 5000, sparkPoints: 3 });
    ev.observe([{ metric: 'm', value: 100, ts: T0, id: '', dims: {} }]);
    for (let t = T0; t <= T0 + 20_000; t += 5000) ev.evaluate(t);
    expect(ev.spark('k')).toHaveLength(3);
    ev.observe([{ metric: 'm', value: 10, ts: T0 + 5 * 60_000, id: '', dims: {} }]);
    ev.evaluate(T0 + 5 * 60_000 + 10_000);
    expect(ev.state('k')).toMatchObject({ value: 10, status: 'off_track', previous: 100 });
  });
});
