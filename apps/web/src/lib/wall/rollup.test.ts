import { kpiHealthMap, type KpiStatusName, type ObjectiveState, type WallKpi, type WallObjective } from '@northstar/shared';
import { kpiStateOf } from '@northstar/shared/kpi-state.fixture';
import { describe, expect, it } from 'vitest';
import { wallKpiOf } from './wall.fixture.ts';
import { UNLINKED_OBJECTIVE_ID, groupByObjective, localRollup } from './rollup.ts';

function kpi(
  id: string,
  links: { objective?: string; objectives?: Array<{ id: string; weight: number }> },
  attainment: number | null,
  status: KpiStatusName,
): WallKpi {
  return wallKpiOf(id, {
    definition: { name: `KPI ${id}`, ...links },
    state: kpiStateOf(id, { value: attainment, attainment, status, lastEventTs: 1, evaluatedAt: 1 }),
  });
}

function objective(id: string, state: Partial<ObjectiveState> = {}, parent?: string): WallObjective {
  return {
    definition: {
      id,
      name: id.toUpperCase(),
      level: parent ? 'department' : 'organisation',
      rollup: 'weighted_average',
      ...(parent ? { parent } : {}),
    },
    state: { id, attainment: 90, status: 'at_risk', troubled: [], kpiCount: 0, ...state },
  };
}

describe('localRollup', () => {
  it('averages attainment, capping each KPI at 100, and lists the troubled KPIs', () => {
    const r = localRollup('x', [kpi('a', {}, 150, 'on_track'), kpi('b', {}, 60, 'off_track'), kpi('c', {}, null, 'no_target')]);
    expect(r.attainment).toBe(80);
    expect(r.kpiCount).toBe(3);
    expect(r.status).toBe('off_track');
    expect(r.troubled).toEqual(['b']);
  });

  it('is null without any attainment', () => {
    expect(localRollup('x', [kpi('b', {}, null, 'no_data')]).attainment).toBeNull();
    expect(localRollup('x', []).attainment).toBeNull();
  });
});

describe('localRollup by the status model', () => {
  it('counts a KPI by its shown status (a firing alert) and says why', () => {
    const a = kpi('a', {}, 100, 'on_track');
    const health = kpiHealthMap([['a', 'on_track']], [{ kpi: 'a', state: 'alerting', severity: 'critical', ruleName: 'R' }]);
    expect(localRollup('x', [a], health)).toMatchObject({ status: 'at_risk', troubled: ['a'], reason: 'weighted 100 %: KPI a at risk' });
    expect(localRollup('x', [a])).toMatchObject({ status: 'on_track', troubled: [], reason: null });
  });
});

describe('groupByObjective', () => {
  it('groups by primary objective in objective order, with the server roll-up', () => {
    const groups = groupByObjective(
      [objective('o1'), objective('o2', { attainment: 55, status: 'off_track', troubled: ['a', 'gone'], kpiCount: 3 })],
      [
        kpi('a', { objective: 'o2' }, 10, 'off_track'),
        kpi(
          'b',
          {
            objectives: [
              { id: 'o1', weight: 2 },
              { id: 'o2', weight: 1 },
            ],
          },
          100,
          'on_track',
        ),
        kpi('c', { objective: 'o2' }, 100, 'on_track'),
      ],
    );
    expect(groups.map((g) => g.objective.id)).toEqual(['o1', 'o2']);
    expect(groups[0]?.kpis.map((k) => k.definition.id)).toEqual(['b']);
    expect(groups[1]?.kpis.map((k) => k.definition.id)).toEqual(['a', 'c']);
    expect(groups[1]?.state).toMatchObject({ attainment: 55, status: 'off_track', kpiCount: 3 });
    expect(groups[1]?.troubledNames).toEqual(['KPI a', 'gone']);
  });

  it('puts KPIs with no or an unknown objective in a last "Not linked" group', () => {
    const groups = groupByObjective([objective('o1')], [kpi('a', { objective: 'ghost' }, 50, 'at_risk'), kpi('b', {}, null, 'no_target')]);
    expect(groups.map((g) => g.objective.id)).toEqual(['o1', UNLINKED_OBJECTIVE_ID]);
    expect(groups[1]?.objective.name).toBe('Not linked');
    expect(groups[1]?.kpis.map((k) => k.definition.id)).toEqual(['a', 'b']);
    expect(groups[1]?.state).toMatchObject({ status: 'at_risk', kpiCount: 2, troubled: ['a'] });
  });

  it('shows department KPIs under their top-level objective, saying which department', () => {
    const groups = groupByObjective(
      [
        objective('org'),
        objective('sales', {}, 'org'),
        objective('team', {}, 'sales'),
        objective('loop-a', {}, 'loop-b'),
        objective('loop-b', {}, 'loop-a'),
      ],
      [
        kpi('top', { objective: 'org' }, 90, 'on_track'),
        kpi('deep', { objective: 'team' }, 90, 'on_track'),
        kpi('looped', { objective: 'loop-a' }, 1, 'off_track'),
      ],
    );
    expect(groups.map((g) => g.objective.id)).toEqual(['org', 'loop-a', 'loop-b']);
    expect(groups[0]?.kpis.map((k) => k.definition.id)).toEqual(['top', 'deep']);
    expect([...(groups[0]?.via ?? [])]).toEqual([['deep', 'TEAM']]);
    // a parent cycle neither hangs nor loses its KPIs
    expect(groups.flatMap((g) => g.kpis.map((k) => k.definition.id)).filter((id) => id === 'looped')).toHaveLength(1);
  });
});
