import { describe, expect, it } from 'vitest';
import { KpiSchema } from '@northstar/shared';
import { boardAccess } from './board-access.ts';

const kpi = (id: string, objective: string) =>
  KpiSchema.parse({ id, name: id, objective, metric: 'm', aggregation: 'count', window: '1h', target: 1 });

const model = {
  kpis: [kpi('a', 'child'), kpi('b', 'other')],
  objectives: [
    { id: 'root', parent: undefined },
    { id: 'child', parent: 'root' },
    { id: 'other', parent: undefined },
  ],
  boards: [
    { id: 'sales', kpis: ['a'] },
    { id: 'all', kpis: [] },
  ],
};

describe('boardAccess', () => {
  it("gives a board's kiosk its KPIs and every objective above them, every KPI for a board that lists none, and null for no board", () => {
    const access = boardAccess(model);
    expect(access('sales')).toEqual({ kpis: new Set(['a']), objectives: new Set(['child', 'root']) });
    expect(access('all')?.kpis).toEqual(new Set(['a', 'b']));
    expect(access('missing')).toBeNull();
  });
});
