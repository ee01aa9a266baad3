import { describe, expect, it } from 'vitest';
import { KpiSchema, type KpiState, type ObjectiveState } from '@northstar/shared';
import { wallSnapshot } from './snapshot.ts';

const kpi = (id: string) => KpiSchema.parse({ id, name: id, objective: 'o', metric: 'm', aggregation: 'count', window: '1h', target: 1 });

describe('wallSnapshot', () => {
  it('lists definitions with their live state and sparkline, leaving out those without state yet', () => {
    const state = { id: 'a', value: 3 } as KpiState;
    const objective = { id: 'o' } as ObjectiveState;
    const snapshot = wallSnapshot(
      {
        model: { objectives: [{ id: 'o', name: 'O' } as never, { id: 'p', name: 'P' } as never], kpis: [kpi('a'), kpi('b')], goals: [] },
        evaluator: { state: (id) => (id === 'a' ? state : undefined), spark: () => [[1, 3]] },
        objectives: { objectiveState: (id) => (id === 'o' ? objective : undefined) },
        alerts: { list: () => [] },
      },
      42,
    );
    expect(snapshot.serverTime).toBe(42);
    expect(snapshot.kpis.map((k) => [k.definition.id, k.state, k.spark])).toEqual([['a', state, [[1, 3]]]]);
    expect(snapshot.objectives.map((o) => o.definition.id)).toEqual(['o']);
  });
});
