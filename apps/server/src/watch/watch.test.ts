import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, KpiSchema, ObjectiveSchema, type KpiDefinition } from '@northstar/shared';
import { ruleTargets } from './alert-engine.ts';
import { alignmentPath } from './alignment-path.ts';
import { detectionStepMs } from './detection-step.ts';

const kpi = (over: Record<string, unknown>): KpiDefinition =>
  KpiSchema.parse({ id: 'k', name: 'K', metric: 'm', aggregation: 'sum', window: '1h', ...over });

describe('detectionStepMs', () => {
  it('takes a twelfth of the window in whole minutes, within 1 min … 1 h', () => {
    expect(detectionStepMs(kpi({ window: '5m' }))).toBe(60_000);
    expect(detectionStepMs(kpi({ window: '1h' }))).toBe(300_000);
    expect(detectionStepMs(kpi({ window: '31d' }))).toBe(3_600_000);
    expect(detectionStepMs(kpi({ window: 'today' }))).toBe(900_000);
    expect(detectionStepMs(kpi({ window: '1h', detection: { step: '2m' } }))).toBe(120_000);
  });
});

describe('alignmentPath', () => {
  it('walks from the KPI up its primary objective to the top, with owners, and stops at a cycle', () => {
    const objectives = new Map(
      [
        { id: 'top', name: 'Top', owner: 'CEO' },
        { id: 'mid', name: 'Mid', parent: 'top', owner: 'VP' },
        { id: 'a', name: 'A', parent: 'b' },
        { id: 'b', name: 'B', parent: 'a' },
      ].map((o) => [o.id, ObjectiveSchema.parse(o)]),
    );
    expect(alignmentPath(kpi({ objective: 'mid', owner: 'Sam' }), objectives).map((p) => [p.kind, p.id, p.owner])).toEqual([
      ['kpi', 'k', 'Sam'],
      ['objective', 'mid', 'VP'],
      ['objective', 'top', 'CEO'],
    ]);
    expect(alignmentPath(kpi({ objective: 'a' }), objectives).map((p) => p.id)).toEqual(['k', 'a', 'b']);
    expect(alignmentPath(kpi({}), objectives).map((p) => p.id)).toEqual(['k']);
  });
});

describe('ruleTargets', () => {
  const kpis = [kpi({ id: 'a', objective: 'x' }), kpi({ id: 'b', objectives: [{ id: 'y' }, { id: 'x', weight: 2 }] }), kpi({ id: 'c' })];
  const rule = (over: Record<string, unknown>) =>
    AlertRuleSchema.parse({ id: 'r', name: 'R', condition: { type: 'status', in: ['off_track'] }, ...over });
  it('watches listed KPIs, those linked to an objective, or all', () => {
    expect(ruleTargets(rule({ kpis: ['c', 'a'] }), kpis).map((k) => k.id)).toEqual(['a', 'c']);
    expect(ruleTargets(rule({ objective: 'x' }), kpis).map((k) => k.id)).toEqual(['a', 'b']);
    expect(ruleTargets(rule({}), kpis).map((k) => k.id)).toEqual(['a', 'b', 'c']);
  });
});
