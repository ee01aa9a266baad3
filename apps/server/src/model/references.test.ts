import { describe, expect, it } from 'vitest';
import { AlertRuleSchema, BoardSchema, GoalSchema } from '@northstar/shared';
import { kpi, objective } from '../align/model.fixture.ts';
import { applyChange, emptyMaps, type ModelMaps } from './model-kinds.ts';
import { REFERENCE_CHECKS, dependentsOf, referenceProblems } from './references.ts';

const RULE_CONDITION = { type: 'status', in: ['off_track'] };

/** company <- sales, KPI orders under sales, a goal, a rule and a board on orders. */
function model(): ModelMaps {
  const view = emptyMaps();
  view.objective.set('company', objective('company'));
  view.objective.set('sales', objective('sales', { parent: 'company' }));
  view.kpi.set('orders', kpi('orders', { objective: 'sales' }));
  view.goal.set('g1', GoalSchema.parse({ id: 'g1', name: 'G1', owner: 'Sam', kpi: 'orders', target: 5 }));
  view.rule.set('r1', AlertRuleSchema.parse({ id: 'r1', name: 'R1', condition: RULE_CONDITION, kpis: ['orders'], objective: 'company' }));
  view.board.set('b1', BoardSchema.parse({ id: 'b1', name: 'B1', kpis: ['orders'] }));
  return view;
}

describe('reference checks', () => {
  it('accepts a model whose references all resolve', () => {
    const view = model();
    for (const o of view.objective.values()) expect(REFERENCE_CHECKS.objective(o, view)).toEqual([]);
    for (const k of view.kpi.values()) expect(REFERENCE_CHECKS.kpi(k, view)).toEqual([]);
    for (const g of view.goal.values()) expect(REFERENCE_CHECKS.goal(g, view)).toEqual([]);
    for (const r of view.rule.values()) expect(REFERENCE_CHECKS.rule(r, view)).toEqual([]);
    for (const b of view.board.values()) expect(REFERENCE_CHECKS.board(b, view)).toEqual([]);
  });

  it('refuses an objective that is its own parent, a missing parent, and a parent below it', () => {
    const view = model();
    expect(REFERENCE_CHECKS.objective(objective('x', { parent: 'x' }), view)).toEqual([
      { field: 'parent', message: 'an objective cannot be its own parent' },
    ]);
    expect(REFERENCE_CHECKS.objective(objective('x', { parent: 'nowhere' }), view)).toEqual([
      { field: 'parent', message: 'no objective with id "nowhere"' },
    ]);
    expect(REFERENCE_CHECKS.objective(objective('company', { parent: 'sales' }), view)).toEqual([
      { field: 'parent', message: '"sales" is already below "company": this would make a cycle' },
    ]);
  });

  it('names the field of each dangling reference', () => {
    const view = model();
    expect(REFERENCE_CHECKS.kpi(kpi('k', { objectives: [{ id: 'sales' }, { id: 'gone' }] }), view)).toEqual([
      { field: 'objectives[1].id', message: 'no objective with id "gone"' },
    ]);
    expect(REFERENCE_CHECKS.kpi(kpi('k', { objective: 'gone' }), view)).toEqual([
      { field: 'objective', message: 'no objective with id "gone"' },
    ]);
    expect(REFERENCE_CHECKS.board(BoardSchema.parse({ id: 'b', name: 'B', kpis: ['orders', 'gone'] }), view)).toEqual([
      { field: 'kpis[1]', message: 'no KPI with id "gone"' },
    ]);
    expect(
      REFERENCE_CHECKS.rule(
        AlertRuleSchema.parse({ id: 'r', name: 'R', condition: RULE_CONDITION, kpis: ['gone'], objective: 'nope' }),
        view,
      ),
    ).toEqual([
      { field: 'kpis[0]', message: 'no KPI with id "gone"' },
      { field: 'objective', message: 'no objective with id "nope"' },
    ]);
    expect(
      referenceProblems(
        { kind: 'goal', id: 'g', definition: GoalSchema.parse({ id: 'g', name: 'G', owner: 'Sam', kpi: 'gone', target: 1 }) },
        view,
      ),
    ).toEqual([{ field: 'kpi', message: 'no KPI with id "gone"' }]);
    expect(referenceProblems({ kind: 'goal', id: 'g', definition: null }, view)).toEqual([]);
  });
});

describe('dependents', () => {
  it('lists what still points at an objective or a KPI, and nothing once it is gone', () => {
    const view = model();
    expect(dependentsOf('objective', 'company', view)).toEqual(['objective sales', 'rule r1']);
    expect(dependentsOf('objective', 'sales', view)).toEqual(['KPI orders']);
    expect(dependentsOf('kpi', 'orders', view)).toEqual(['goal g1', 'rule r1', 'board b1']);
    applyChange(view, { kind: 'board', id: 'b1', definition: null });
    expect(dependentsOf('kpi', 'orders', view)).toEqual(['goal g1', 'rule r1']);
    expect(dependentsOf('goal', 'g1', view)).toEqual([]);
  });
});
