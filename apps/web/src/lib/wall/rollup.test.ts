import type { KpiStatusName, WallKpi } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { UNLINKED_OBJECTIVE_ID, groupByObjective, rollupObjective, worstStatus } from './rollup.ts';

function kpi(id: string, objective: string, attainment: number | null, status: KpiStatusName): WallKpi {
  return {
    definition: {
      id,
      name: id,
      unit: '',
      objective,
      metric: 'm',
      aggregation: 'sum',
      window: '5m',
      direction: 'higher_is_better',
      target: 100,
    },
    state: { id, value: attainment, target: 100, attainment, status, previous: null, lastEventTs: 1, evaluatedAt: 1 },
    spark: [],
  };
}

describe('rollupObjective', () => {
  it('averages attainment, capping each KPI at 100', () => {
    const r = rollupObjective([kpi('a', 'o', 150, 'on_track'), kpi('b', 'o', 60, 'off_track')]);
    expect(r.attainment).toBe(80);
    expect(r.kpiCount).toBe(2);
  });

  it('ignores KPIs without attainment and is null when none has one', () => {
    expect(rollupObjective([kpi('a', 'o', 90, 'at_risk'), kpi('b', 'o', null, 'no_data')]).attainment).toBe(90);
    expect(rollupObjective([kpi('b', 'o', null, 'no_data')]).attainment).toBeNull();
    expect(rollupObjective([]).attainment).toBeNull();
  });

  it('takes the worst status as health and flags alerting', () => {
    const r = rollupObjective([kpi('a', 'o', 100, 'on_track'), kpi('b', 'o', 85, 'at_risk'), kpi('c', 'o', null, 'no_data')]);
    expect(r.health).toBe('at_risk');
    expect(r.alerting).toBe(true);
    expect(rollupObjective([kpi('a', 'o', 100, 'on_track')]).alerting).toBe(false);
  });
});

describe('worstStatus', () => {
  it('orders off track > at risk > no data > on track', () => {
    expect(worstStatus(['on_track', 'off_track', 'at_risk'])).toBe('off_track');
    expect(worstStatus(['on_track', 'no_data'])).toBe('no_data');
    expect(worstStatus(['on_track'])).toBe('on_track');
    expect(worstStatus([])).toBe('no_data');
  });
});

describe('groupByObjective', () => {
  it('groups in objective order and keeps KPI order', () => {
    const groups = groupByObjective(
      [
        { id: 'o1', name: 'One' },
        { id: 'o2', name: 'Two' },
      ],
      [kpi('a', 'o2', 10, 'off_track'), kpi('b', 'o1', 100, 'on_track'), kpi('c', 'o2', 100, 'on_track')],
    );
    expect(groups.map((g) => g.objective.id)).toEqual(['o1', 'o2']);
    expect(groups[1]?.kpis.map((k) => k.definition.id)).toEqual(['a', 'c']);
    expect(groups[1]?.rollup.health).toBe('off_track');
  });

  it('puts KPIs of an unknown objective in a last group', () => {
    const groups = groupByObjective([{ id: 'o1', name: 'One' }], [kpi('a', 'ghost', 50, 'at_risk')]);
    expect(groups.map((g) => g.objective.id)).toEqual(['o1', UNLINKED_OBJECTIVE_ID]);
    expect(groups[0]?.rollup.kpiCount).toBe(0);
  });
});
