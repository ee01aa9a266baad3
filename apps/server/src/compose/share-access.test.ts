import { describe, expect, it } from 'vitest';
import { KpiSchema } from '@northstar/shared';
import { shareAccess } from './share-access.ts';

const kpi = (id: string, objective: string) =>
  KpiSchema.parse({ id, name: id, objective, metric: 'm', aggregation: 'count', window: '1h', target: 1 });

const model = {
  kpis: [kpi('a', 'child'), kpi('b', 'other'), kpi('c', 'root'), kpi('d', 'grandchild')],
  objectives: [
    { id: 'root', parent: undefined },
    { id: 'child', parent: 'root' },
    { id: 'grandchild', parent: 'child' },
    { id: 'empty', parent: 'child' },
    { id: 'other', parent: undefined },
  ],
  boards: [{ id: 'sales', kpis: ['a'] }],
};

describe('shareAccess', () => {
  const access = shareAccess(model);

  it('gives a board link what its kiosk gets, and a KPI link that KPI and the objectives above it', () => {
    expect(access({ kind: 'board', board: 'sales' })).toEqual({ kpis: new Set(['a']), objectives: new Set(['child', 'root']) });
    expect(access({ kind: 'kpi', kpi: 'd', range: '7d' })).toEqual({
      kpis: new Set(['d']),
      objectives: new Set(['grandchild', 'child', 'root']),
    });
  });

  it("gives an objective link every KPI under it and its whole subtree (an empty child too), never a sibling's KPI", () => {
    const got = access({ kind: 'objective', objective: 'child' });
    expect(got?.kpis).toEqual(new Set(['a', 'd']));
    expect(got?.objectives).toEqual(new Set(['child', 'grandchild', 'empty', 'root']));
    expect(got?.kpis.has('c')).toBe(false);
  });

  it('answers null when what the link shows is gone', () => {
    expect(access({ kind: 'board', board: 'gone' })).toBeNull();
    expect(access({ kind: 'kpi', kpi: 'gone', range: '24h' })).toBeNull();
    expect(access({ kind: 'objective', objective: 'gone' })).toBeNull();
  });
});
