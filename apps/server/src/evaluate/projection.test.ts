import { describe, expect, it } from 'vitest';
import { KpiSchema, type MetricEvent } from '@northstar/shared';
import { evaluateCondition, pacingContext } from '../alerts/condition.ts';
import { KpiEvaluator } from './evaluator.ts';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 11, 1); // December in UTC: 744 hours
const END = Date.UTC(2027, 0, 1);
const kpi = (over: Record<string, unknown> = {}) =>
  KpiSchema.parse({
    id: 'k',
    name: 'K',
    objective: 'o',
    metric: 'm',
    aggregation: 'sum',
    window: 'month_to_date',
    timezone: 'UTC',
    target: 1000,
    ...over,
  });

/** Hourly events of 1 (and 2 every third hour) from the month's start, evaluated at the end of each hour: a fake clock. */
function run(ev: KpiEvaluator, hours: number): void {
  for (let h = 0; h < hours; h++) {
    const ts = START + h * HOUR + 60_000;
    const events: MetricEvent[] = [{ metric: 'm', value: h % 3 === 0 ? 2 : 1, ts, id: '', dims: {} }];
    ev.observe(events);
    ev.evaluate(START + (h + 1) * HOUR);
  }
}

describe('the projection in a KPI state', () => {
  it('is absent before a tenth of the month, then the pace to the month end with a band around it', () => {
    const ev = new KpiEvaluator([kpi()]);
    run(ev, 70);
    expect(ev.state('k')?.projection ?? null).toBeNull(); // 70 of 744 hours
    run(ev, 0);
    const ev2 = new KpiEvaluator([kpi()]);
    run(ev2, 372); // half the month
    const s = ev2.state('k')!;
    const p = s.projection!;
    expect(p.endMs).toBe(END);
    expect(p.value).toBeCloseTo((s.value! * 744) / 372, 6);
    expect(p.low).toBeLessThan(p.value);
    expect(p.high).toBeGreaterThan(p.value);
    expect(p.low).toBeGreaterThanOrEqual(s.value!);
    // ~1.33 an hour → ~992 of 1000: within the default 90 % warning share, on track
    expect(p.status).toBe('on_track');
  });

  it('is the value the pacing alert rule compares (one computation)', () => {
    const def = kpi({ target: 2000 });
    const ev = new KpiEvaluator([def]);
    run(ev, 400);
    const now = START + 400 * HOUR;
    const state = ev.state('k')!;
    const result = evaluateCondition({ type: 'pacing', by: 5 }, { state, anomalyScores: [], nowMs: now, pacing: pacingContext(def, now) });
    expect(result.projection).toBe(state.projection!.value);
    // ~992 of a 2000 target: the rule fires and the tile says off track
    expect(result.holds).toBe(true);
    expect(state.projection!.status).toBe('off_track');
  });

  it('is judged like the tile when the target is paced: the same ratio to target as the value to expected', () => {
    const def = kpi({ target: undefined, targets: [{ period: '2026-12', value: 1200, pacing: 'linear' }] });
    const ev = new KpiEvaluator([def]);
    run(ev, 500);
    const s = ev.state('k')!;
    expect(s.expected).not.toBeNull();
    expect(s.projection!.value / s.target!).toBeCloseTo(s.value! / s.expected!, 9);
    expect(s.projection!.status).toBe(s.status);
  });

  it('is absent for levels and rolling windows', () => {
    const ev = new KpiEvaluator([kpi({ id: 'avg', aggregation: 'avg' }), kpi({ id: 'roll', window: '1h' })]);
    run(ev, 400);
    expect(ev.state('avg')?.projection ?? null).toBeNull();
    expect(ev.state('roll')?.projection ?? null).toBeNull();
  });
});
