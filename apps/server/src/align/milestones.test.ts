import type { KpiStatusName, ObjectiveState } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { MILESTONE_ATTAINMENT_PERCENT, MilestoneTracker, type ObservedObjective } from './milestones.ts';
import { kpiState } from './model.fixture.ts';

const Q4 = Date.parse('2026-11-15T12:00:00Z');
const Q1 = Date.parse('2027-01-02T00:00:00Z');

const k = (id: string, attainment: number | null, status: KpiStatusName = 'on_track', period: string | null = null) => ({
  ...kpiState(id, attainment, status, { period, value: attainment === null ? null : attainment * 2 }),
  name: `KPI ${id}`,
});
const o = (id: string, attainment: number | null, extra: Partial<ObservedObjective> = {}): ObjectiveState & { name: string } => ({
  id,
  attainment,
  status: 'on_track',
  troubled: [],
  kpiCount: 1,
  name: `Objective ${id}`,
  ...extra,
});

describe('MilestoneTracker', () => {
  it('celebrates a KPI that meets its target once per period, with its value', () => {
    const t = new MilestoneTracker();
    expect(t.observe([k('a', 90, 'at_risk', '2026-Q4')], [], Q4 - 1000)).toEqual([]);
    expect(t.observe([k('a', 100, 'on_track', '2026-Q4')], [], Q4)).toEqual([
      { kind: 'kpi', id: 'a', name: 'KPI a', period: '2026-Q4', value: 200, reachedAt: Q4 },
    ]);
    expect(t.observe([k('a', 130, 'on_track', '2026-Q4')], [], Q4 + 1000)).toEqual([]);
    // dropping below and coming back in the same period is not a new milestone
    expect(t.observe([k('a', 50, 'off_track', '2026-Q4')], [], Q4 + 2000)).toEqual([]);
    expect(t.observe([k('a', 100, 'on_track', '2026-Q4')], [], Q4 + 3000)).toEqual([]);
    // a new period: seen below in it first, then the crossing
    expect(t.observe([k('a', 10, 'off_track', '2026-11')], [], Q4 + 3500)).toEqual([]);
    expect(t.observe([k('a', 100, 'on_track', '2026-11')], [], Q4 + 4000)).toHaveLength(1);
  });

  it('celebrates only a crossing: not what is past its target when first seen, nor after "no data"', () => {
    const t = new MilestoneTracker();
    // an objective created over KPIs that already met theirs, a server starting mid-period
    expect(t.observe([k('a', 150)], [o('new', 100)], Q4)).toEqual([]);
    expect(t.observe([k('a', 150)], [o('new', 100)], Q4 + 1000)).toEqual([]);
    // and it stays quiet for the period even if it dips and comes back
    expect(t.observe([k('a', 50, 'off_track')], [o('new', 50)], Q4 + 2000)).toEqual([]);
    expect(t.observe([k('a', 150)], [o('new', 100)], Q4 + 3000)).toEqual([]);
    // a value still loading is not "below": from no data straight to 100 % is not a crossing
    const u = new MilestoneTracker();
    expect(u.observe([k('b', null, 'no_data')], [o('o', null)], Q4)).toEqual([]);
    expect(u.observe([k('b', 100)], [o('o', 100)], Q4 + 1000)).toEqual([]);
  });

  it.each([
    [99.99, 'on_track'],
    [MILESTONE_ATTAINMENT_PERCENT, 'at_risk'],
    [120, 'off_track'],
    [null, 'no_data'],
    [null, 'on_track'],
  ] as const)('does not celebrate a KPI at %s %% that is %s', (attainment, status) => {
    expect(new MilestoneTracker().observe([k('a', attainment, status)], [], Q4)).toEqual([]);
  });

  it('uses the UTC calendar quarter of now for a KPI without a period, and celebrates again next quarter', () => {
    const t = new MilestoneTracker();
    t.observe([k('a', 50, 'at_risk')], [], Q4 - 1);
    expect(t.observe([k('a', 100)], [], Q4)[0]?.period).toBe('2026-Q4');
    expect(t.observe([k('a', 100)], [], Q4 + 86_400_000)).toEqual([]);
    t.observe([k('a', 0, 'off_track')], [], Q1 - 1);
    expect(t.observe([k('a', 100)], [], Q1)[0]?.period).toBe('2027-Q1');
  });

  it('celebrates an objective at 100 % once, valued at its attainment', () => {
    const t = new MilestoneTracker();
    expect(t.observe([], [o('obj', 99.5)], Q4)).toEqual([]);
    expect(t.observe([], [o('obj', 100)], Q4)).toEqual([
      { kind: 'objective', id: 'obj', name: 'Objective obj', period: '2026-Q4', value: 100, reachedAt: Q4 },
    ]);
    expect(t.observe([], [o('obj', 100)], Q4 + 1)).toEqual([]);
    expect(t.observe([], [o('obj', null)], Q4 + 2)).toEqual([]);
  });

  it("uses an objective's own period when given", () => {
    const t = new MilestoneTracker();
    t.observe([], [o('obj', 99, { period: '2026' })], Q4 - 1);
    expect(t.observe([], [o('obj', 100, { period: '2026' })], Q4)[0]?.period).toBe('2026');
    expect(t.observe([], [o('obj', 100, { period: '2026' })], Q1)).toEqual([]);
  });

  it('keeps KPIs and objectives with the same id apart', () => {
    const t = new MilestoneTracker();
    t.observe([k('x', 50, 'at_risk')], [o('x', 50)], Q4 - 1);
    const got = t.observe([k('x', 100)], [o('x', 100)], Q4);
    expect(got.map((m) => m.kind)).toEqual(['kpi', 'objective']);
  });

  it('does not celebrate again what seed says is already stored', () => {
    const t = new MilestoneTracker();
    t.seed([
      { kind: 'kpi', id: 'a', period: '2026-Q4' },
      { kind: 'objective', id: 'obj', period: '2026-Q4' },
    ]);
    t.observe([k('a', 50, 'at_risk'), k('b', 50, 'at_risk')], [o('obj', 50), o('kpi-named', 50)], Q4 - 1);
    expect(t.observe([k('a', 100), k('b', 100)], [o('obj', 100), o('kpi-named', 100)], Q4).map((m) => `${m.kind}:${m.id}`)).toEqual([
      'kpi:b',
      'objective:kpi-named',
    ]);
  });

  it('does not confuse ids that share a prefix with a period', () => {
    const t = new MilestoneTracker();
    t.seed([{ kind: 'kpi', id: 'a', period: '2026-Q4' }]);
    t.observe([k('a-2026', 50, 'at_risk', 'Q4')], [], Q4 - 1);
    expect(t.observe([k('a-2026', 100, 'on_track', 'Q4')], [], Q4)).toHaveLength(1);
  });
});
