import { kpiHealthMap, type AlertOnKpi, type KpiState } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { CHILD_OBJECTIVE_WEIGHT, rollupObjectives, weakestAttainment, weightedAttainment } from './rollup.ts';
import { kpi, kpiState, objective } from './model.fixture.ts';

const states = (...s: KpiState[]) => new Map(s.map((x) => [x.id, x]));

describe('rollupObjectives: weighted_average', () => {
  it('weighs KPIs by their link weight', () => {
    const model = {
      objectives: [objective('o')],
      kpis: [kpi('a', { objectives: [{ id: 'o', weight: 3 }] }), kpi('b', { objective: 'o' })],
    };
    const r = rollupObjectives(model, states(kpiState('a', 80, 'on_track'), kpiState('b', 100, 'on_track')));
    // every KPI is on track by its own thresholds, so the objective is: the figure says 85 %, the reason why
    expect(r.get('o')).toEqual({
      id: 'o',
      attainment: 85,
      status: 'on_track',
      troubled: [],
      kpiCount: 2,
      reason: 'weighted 85 %: every KPI on track against its own thresholds',
    });
  });

  it('caps each child at 100 so over-achievement cannot hide a miss', () => {
    const model = { objectives: [objective('o')], kpis: [kpi('a', { objective: 'o' }), kpi('b', { objective: 'o' })] };
    const r = rollupObjectives(model, states(kpiState('a', 180, 'on_track'), kpiState('b', 40, 'on_track')));
    expect(r.get('o')?.attainment).toBe(70);
  });

  it.each([
    [100, 'on_track'],
    [64, 'on_track'],
    [0, 'on_track'],
  ] as const)('attainment %s with every KPI on track by its own thresholds → %s, never worse than its KPIs', (attainment, status) => {
    const model = { objectives: [objective('o')], kpis: [kpi('a', { objective: 'o' })] };
    expect(rollupObjectives(model, states(kpiState('a', attainment, 'on_track'))).get('o')?.status).toBe(status);
  });

  it('is as bad as its worst KPI and says which one and the weighted figure (issue 13: 64 % with one KPI at risk)', () => {
    const model = {
      objectives: [objective('o')],
      kpis: [kpi('a', { objective: 'o', name: 'Checkout errors' }), kpi('b', { objective: 'o', name: 'Failed payments' })],
    };
    const r = rollupObjectives(model, states(kpiState('a', 28, 'at_risk'), kpiState('b', 100, 'on_track')));
    expect(r.get('o')).toMatchObject({ attainment: 64, status: 'at_risk', reason: 'weighted 64 %: Checkout errors at risk' });
  });

  it('counts a KPI with a firing alert as at risk, and names the KPI', () => {
    const model = { objectives: [objective('o')], kpis: [kpi('a', { objective: 'o', name: 'Revenue' })] };
    const alert = { kpi: 'a', state: 'alerting', severity: 'critical', ruleName: 'Revenue will miss the target' } as const;
    const health = (a: AlertOnKpi) => kpiHealthMap([['a', 'on_track']], [a]);
    const r = rollupObjectives(model, states(kpiState('a', 95, 'on_track')), health(alert));
    expect(r.get('o')).toMatchObject({ status: 'at_risk', troubled: ['a'], reason: 'weighted 95 %: Revenue at risk' });
    const pending = rollupObjectives(model, states(kpiState('a', 95, 'on_track')), health({ ...alert, state: 'pending' }));
    expect(pending.get('o')).toMatchObject({ status: 'on_track', troubled: [], reason: null });
  });

  it('leaves out children without attainment', () => {
    const model = {
      objectives: [objective('o')],
      kpis: [kpi('a', { objective: 'o' }), kpi('b', { objective: 'o' }), kpi('c', { objective: 'o' }), kpi('d', { objective: 'o' })],
    };
    const r = rollupObjectives(
      model,
      states(kpiState('a', 80, 'on_track'), kpiState('b', null, 'no_data'), kpiState('c', null, 'no_target')), // d has no state
    );
    expect(r.get('o')).toMatchObject({ attainment: 80, kpiCount: 4 });
  });

  it('gives each child objective weight 1 beside the KPIs', () => {
    expect(CHILD_OBJECTIVE_WEIGHT).toBe(1);
    const model = {
      objectives: [objective('parent'), objective('child', { parent: 'parent' })],
      kpis: [kpi('a', { objectives: [{ id: 'parent', weight: 3 }] }), kpi('b', { objective: 'child' }), kpi('c', { objective: 'child' })],
    };
    const r = rollupObjectives(
      model,
      states(kpiState('a', 60, 'on_track'), kpiState('b', 100, 'on_track'), kpiState('c', 100, 'on_track')),
    );
    // (3·60 + 1·100) / 4, not (3·60 + 100 + 100) / 5 as if the child's KPIs were the parent's own
    expect(r.get('parent')?.attainment).toBe(70);
    expect(r.get('parent')?.kpiCount).toBe(3);
    expect(r.get('child')?.attainment).toBe(100);
  });

  it('uses each link weight for its own objective', () => {
    const model = {
      objectives: [objective('x'), objective('y')],
      kpis: [
        kpi('a', {
          objectives: [
            { id: 'x', weight: 1 },
            { id: 'y', weight: 4 },
          ],
        }),
        kpi('b', {
          objectives: [
            { id: 'x', weight: 1 },
            { id: 'y', weight: 1 },
          ],
        }),
      ],
    };
    const r = rollupObjectives(model, states(kpiState('a', 50, 'on_track'), kpiState('b', 100, 'on_track')));
    expect(r.get('x')?.attainment).toBe(75);
    expect(r.get('y')?.attainment).toBe(60);
  });

  it('counts a KPI linked twice to one objective once, at its first weight', () => {
    const model = {
      objectives: [objective('o')],
      kpis: [
        kpi('a', {
          objectives: [
            { id: 'o', weight: 3 },
            { id: 'o', weight: 1 },
          ],
        }),
        kpi('b', { objective: 'o' }),
      ],
    };
    const r = rollupObjectives(model, states(kpiState('a', 60, 'on_track'), kpiState('b', 100, 'on_track')));
    expect(r.get('o')).toMatchObject({ attainment: 70, kpiCount: 2 });
  });
});

describe('rollupObjectives: a KPI in trouble', () => {
  const model = {
    objectives: [objective('org'), objective('dept', { parent: 'org' }), objective('team', { parent: 'dept' })],
    kpis: [
      kpi('z-leaf', { objective: 'team' }),
      kpi('a-leaf', { objective: 'team' }),
      kpi('healthy', { objective: 'org' }),
      kpi('both', {
        objectives: [
          { id: 'org', weight: 1 },
          { id: 'team', weight: 1 },
        ],
      }),
    ],
  };
  const s = states(
    kpiState('z-leaf', 95, 'at_risk'),
    kpiState('a-leaf', 100, 'on_track'),
    kpiState('healthy', 100, 'on_track'),
    kpiState('both', 99, 'off_track'),
  );

  it('marks every objective above it as bad as its worst KPI, whatever the average', () => {
    const r = rollupObjectives(model, s);
    for (const id of ['team', 'dept', 'org']) {
      expect(r.get(id)?.attainment).toBeGreaterThanOrEqual(90);
      expect(r.get(id)?.status).toBe('off_track');
    }
  });

  it('lists the troubled KPIs at or below, deduplicated and sorted', () => {
    const r = rollupObjectives(model, s);
    expect(r.get('team')?.troubled).toEqual(['both', 'z-leaf']);
    expect(r.get('org')?.troubled).toEqual(['both', 'z-leaf']);
    expect(r.get('org')?.kpiCount).toBe(4);
    expect(r.get('dept')?.kpiCount).toBe(3);
  });

  it('is never shown worse than its children: a low figure with one KPI at risk is at risk', () => {
    const m = { objectives: [objective('o')], kpis: [kpi('a', { objective: 'o' })] };
    expect(rollupObjectives(m, states(kpiState('a', 10, 'at_risk'))).get('o')?.status).toBe('at_risk');
  });

  it('marks an objective even when the troubled KPI has no attainment', () => {
    const m = { objectives: [objective('o')], kpis: [kpi('a', { objective: 'o' })] };
    expect(rollupObjectives(m, states(kpiState('a', null, 'off_track'))).get('o')).toMatchObject({ attainment: null, status: 'off_track' });
  });

  it('has no troubled KPIs when all are healthy', () => {
    const r = rollupObjectives(model, states(kpiState('z-leaf', 100, 'on_track')));
    expect(r.get('org')?.troubled).toEqual([]);
  });
});

describe('rollupObjectives: weakest', () => {
  it('takes the lowest child attainment and the worst child status', () => {
    const model = {
      objectives: [objective('o', { rollup: 'weakest' }), objective('child', { parent: 'o' })],
      kpis: [
        kpi('a', { objective: 'o' }),
        kpi('b', { objectives: [{ id: 'o', weight: 100 }] }),
        kpi('c', { objective: 'o' }),
        kpi('d', { objective: 'child' }),
      ],
    };
    const s = states(
      kpiState('a', 120, 'on_track'),
      kpiState('b', 95, 'on_track'),
      kpiState('c', 85, 'off_track'),
      kpiState('d', 80, 'on_track'),
    );
    // weights do not matter: the lowest attainment (the child objective's 80) and the worst status (c's)
    expect(rollupObjectives(model, s).get('o')).toMatchObject({ attainment: 80, status: 'off_track', troubled: ['c'], kpiCount: 4 });
  });

  it('takes a child objective at its rolled-up status and names it in the reason', () => {
    const model = {
      objectives: [objective('o', { rollup: 'weakest' }), objective('child', { parent: 'o', name: 'Child' })],
      kpis: [kpi('a', { objective: 'o' }), kpi('c', { objective: 'child' })],
    };
    const r = rollupObjectives(model, states(kpiState('a', 100, 'on_track'), kpiState('c', 80, 'off_track')));
    expect(r.get('child')?.status).toBe('off_track');
    expect(r.get('o')).toMatchObject({
      attainment: 80,
      status: 'off_track',
      troubled: ['c'],
      reason: 'weakest rule 80 %: Child off track',
    });
  });

  it('is not capped: every child over target gives the lowest over-achievement', () => {
    const model = {
      objectives: [objective('o', { rollup: 'weakest' })],
      kpis: [kpi('a', { objective: 'o' }), kpi('b', { objective: 'o' })],
    };
    const r = rollupObjectives(model, states(kpiState('a', 150, 'on_track'), kpiState('b', 130, 'on_track')));
    expect(r.get('o')).toMatchObject({ attainment: 130, status: 'on_track' });
  });

  it('leaves out children without data', () => {
    const model = {
      objectives: [objective('o', { rollup: 'weakest' })],
      kpis: [kpi('a', { objective: 'o' }), kpi('b', { objective: 'o' })],
    };
    const r = rollupObjectives(model, states(kpiState('a', 92, 'on_track'), kpiState('b', null, 'no_data')));
    expect(r.get('o')).toMatchObject({ attainment: 92, status: 'on_track' });
  });

  it('uses the child status, not thresholds: a KPI at 80 % that is on track by its own thresholds', () => {
    const model = { objectives: [objective('o', { rollup: 'weakest' })], kpis: [kpi('a', { objective: 'o' })] };
    expect(rollupObjectives(model, states(kpiState('a', 80, 'on_track'))).get('o')?.status).toBe('on_track');
  });
});

describe('rollupObjectives: no data', () => {
  it.each(['weighted_average', 'weakest'] as const)('%s: no children → no_data, null attainment', (rollup) => {
    const r = rollupObjectives({ objectives: [objective('o', { rollup })], kpis: [] }, new Map());
    expect(r.get('o')).toEqual({ id: 'o', attainment: null, status: 'no_data', troubled: [], kpiCount: 0, reason: null });
  });

  it.each(['weighted_average', 'weakest'] as const)('%s: only no_target children → no_target', (rollup) => {
    const model = { objectives: [objective('o', { rollup })], kpis: [kpi('a', { objective: 'o' }), kpi('b', { objective: 'o' })] };
    const r = rollupObjectives(model, states(kpiState('a', null, 'no_target'), kpiState('b', null, 'no_data')));
    expect(r.get('o')).toMatchObject({ attainment: null, status: 'no_target' });
  });

  it('passes no_data up through child objectives', () => {
    const model = { objectives: [objective('p'), objective('c', { parent: 'p' })], kpis: [kpi('a', { objective: 'c' })] };
    const r = rollupObjectives(model, new Map());
    expect(r.get('p')).toMatchObject({ attainment: null, status: 'no_data', kpiCount: 1 });
  });
});

describe('rollupObjectives: bad models', () => {
  it('survives a parent loop and an unknown parent, treating the loop edge as absent', () => {
    const model = {
      objectives: [
        objective('a', { parent: 'b' }),
        objective('b', { parent: 'a' }),
        objective('c', { parent: 'ghost' }),
        objective('s', { parent: 's' }),
      ],
      kpis: [kpi('ka', { objective: 'a' }), kpi('kb', { objective: 'b' }), kpi('kc', { objective: 'c' }), kpi('ks', { objective: 's' })],
    };
    const s = states(
      kpiState('ka', 60, 'off_track'),
      kpiState('kb', 100, 'on_track'),
      kpiState('kc', 90, 'on_track'),
      kpiState('ks', 100, 'on_track'),
    );
    const r = rollupObjectives(model, s);
    expect(r.size).toBe(4);
    // a→b is kept (accepted first), b→a closes the loop and is dropped: b is a root above a
    expect(r.get('b')).toMatchObject({ attainment: 80, kpiCount: 2, troubled: ['ka'], status: 'off_track' });
    expect(r.get('a')).toMatchObject({ attainment: 60, kpiCount: 1 });
    expect(r.get('c')).toMatchObject({ attainment: 90, kpiCount: 1 });
    expect(r.get('s')).toMatchObject({ attainment: 100, kpiCount: 1 });
  });

  it('ignores links to unknown objectives', () => {
    const model = {
      objectives: [objective('o')],
      kpis: [
        kpi('a', {
          objectives: [
            { id: 'o', weight: 1 },
            { id: 'ghost', weight: 1 },
          ],
        }),
      ],
    };
    const r = rollupObjectives(model, states(kpiState('a', 100, 'on_track')));
    expect([...r.keys()]).toEqual(['o']);
    expect(r.get('o')?.kpiCount).toBe(1);
  });
});

describe('roll-up rules', () => {
  it('weightedAttainment ignores null attainments and non-positive weights', () => {
    expect(weightedAttainment([])).toBeNull();
    expect(weightedAttainment([{ weight: 1, attainment: null }])).toBeNull();
    expect(
      weightedAttainment([
        { weight: 0, attainment: 10 },
        { weight: 2, attainment: 50 },
      ]),
    ).toBe(50);
  });
  it('weakestAttainment is the minimum, null when empty', () => {
    expect(weakestAttainment([{ attainment: null }])).toBeNull();
    expect(weakestAttainment([{ attainment: 5 }, { attainment: null }, { attainment: 0 }])).toBe(0);
  });
});
