import type { KpiState, ServerMessage, WallKpi } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { EMPTY_WALL, MAX_SPARK_POINTS, applyMessage } from './wallState.ts';

function kpiState(id: string, value: number | null, overrides: Partial<KpiState> = {}): KpiState {
  return {
    id,
    value,
    target: 100,
    attainment: value,
    status: 'on_track',
    previous: null,
    lastEventTs: 1_000,
    evaluatedAt: 1_000,
    ...overrides,
  };
}

function wallKpi(id: string, objective = 'o1'): WallKpi {
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
    state: kpiState(id, 50),
    spark: [[1_000, 50]],
  };
}

const snapshot: ServerMessage = {
  type: 'snapshot',
  serverTime: 2_000,
  objectives: [{ id: 'o1', name: 'Grow' }],
  kpis: [wallKpi('a'), wallKpi('b')],
};

describe('applyMessage', () => {
  it('records hello details without touching tiles', () => {
    const next = applyMessage(EMPTY_WALL, { type: 'hello', protocol: 1, serverVersion: '1.2.3', serverTime: 5 });
    expect(next).toMatchObject({ hasSnapshot: false, serverVersion: '1.2.3', protocol: 1, serverTime: 5 });
  });

  it('replaces all state on a snapshot', () => {
    const first = applyMessage(EMPTY_WALL, snapshot);
    expect(first.hasSnapshot).toBe(true);
    expect(first.order).toEqual(['a', 'b']);
    const second = applyMessage(first, { ...snapshot, kpis: [wallKpi('c')], objectives: [] });
    expect(second.order).toEqual(['c']);
    expect([...second.kpis.keys()]).toEqual(['c']);
    expect(second.objectives).toEqual([]);
  });

  it('updates states by id and replaces sparklines on a delta', () => {
    const before = applyMessage(EMPTY_WALL, snapshot);
    const after = applyMessage(before, {
      type: 'delta',
      serverTime: 3_000,
      states: [kpiState('a', 75, { status: 'at_risk' })],
      spark: [
        {
          id: 'a',
          points: [
            [1_000, 50],
            [6_000, 75],
          ],
        },
      ],
    });
    expect(after.kpis.get('a')?.state).toMatchObject({ value: 75, status: 'at_risk' });
    expect(after.kpis.get('a')?.spark).toEqual([
      [1_000, 50],
      [6_000, 75],
    ]);
    expect(after.serverTime).toBe(3_000);
    // Untouched KPIs keep their identity so their tiles do not re-render.
    expect(after.kpis.get('b')).toBe(before.kpis.get('b'));
    // The previous state is not mutated.
    expect(before.kpis.get('a')?.state.value).toBe(50);
  });

  it('ignores deltas for unknown KPIs and before the first snapshot', () => {
    const delta: ServerMessage = {
      type: 'delta',
      serverTime: 3_000,
      states: [kpiState('zzz', 1)],
      spark: [{ id: 'zzz', points: [[1, 1]] }],
    };
    expect(applyMessage(EMPTY_WALL, delta).hasSnapshot).toBe(false);
    const after = applyMessage(applyMessage(EMPTY_WALL, snapshot), delta);
    expect(after.kpis.has('zzz')).toBe(false);
  });

  it('keeps the last state on heartbeat', () => {
    const before = applyMessage(EMPTY_WALL, snapshot);
    const after = applyMessage(before, { type: 'heartbeat', serverTime: 9_000 });
    expect(after.kpis).toBe(before.kpis);
    expect(after.serverTime).toBe(9_000);
  });

  it('trims an oversized snapshot spark', () => {
    const long = wallKpi('a');
    long.spark = Array.from({ length: MAX_SPARK_POINTS + 30 }, (_, i) => [i, i] as [number, number]);
    const state = applyMessage(EMPTY_WALL, { ...snapshot, kpis: [long] });
    expect(state.kpis.get('a')?.spark).toHaveLength(MAX_SPARK_POINTS);
    expect(state.kpis.get('a')?.spark[0]).toEqual([30, 30]);
  });
});
