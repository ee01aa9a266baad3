import { describe, expect, it } from 'vitest';
import { KpiSchema } from '@northstar/shared';
import { capturingLog } from '../observe/log-capture.fixture.ts';
import { applyModelChanges, type ModelChangeDeps } from './model-changes.ts';

const orders = KpiSchema.parse({ id: 'orders', name: 'Orders', metric: 'orders', aggregation: 'sum', window: '1h' });

function depsWith(rebuild: ModelChangeDeps['rebuild']) {
  const calls: string[] = [];
  const { log, lines } = capturingLog();
  const deps: ModelChangeDeps = {
    evaluator: { remove: (id) => void calls.push(`evaluator.remove ${id}`) },
    detection: {
      remove: (id) => void calls.push(`detection.remove ${id}`),
      upsert: (kpi) => (calls.push(`detection.upsert ${kpi.id}`), Promise.resolve()),
    },
    rebuild: (kpis) => (calls.push(`rebuild ${kpis.map((k) => k.id).join(',')}`), rebuild(kpis)),
    wall: {
      admit: (ids) => void calls.push(`wall.admit ${ids.join(',')}`),
      modelChanged: () => void calls.push('wall.modelChanged'),
    },
    log,
  };
  return { deps, calls, lines };
}

describe('applyModelChanges', () => {
  it('drops removed KPIs, rebuilds changed ones, restarts their detectors, then has the wall tick and resync once', async () => {
    const { deps, calls } = depsWith(() => Promise.resolve());
    await applyModelChanges(deps, [
      { kind: 'kpi', id: 'visits' },
      { kind: 'kpi', id: 'orders', definition: orders },
      { kind: 'objective', id: 'grow' },
    ] as never);
    expect(calls).toEqual([
      'evaluator.remove visits',
      'detection.remove visits',
      'rebuild orders',
      'wall.admit orders',
      'detection.upsert orders',
      'wall.modelChanged',
    ]);
  });

  it('still brings the change to the walls when the rebuild from the store fails, and says which KPIs it could not rebuild', async () => {
    const { deps, calls, lines } = depsWith(() => Promise.reject(new Error('store down')));
    await applyModelChanges(deps, [{ kind: 'kpi', id: 'orders', definition: orders }] as never);
    expect(calls.at(-1)).toBe('wall.modelChanged');
    expect(lines.find((l) => l.level === 50)).toMatchObject({ err: 'store down', kpis: ['orders'] });
  });
});
