import { describe, expect, it } from 'vitest';
import { applyKpiUpdate, applyObjectivePatch, diffKpiState, diffSpark, kpiUpdate, objectivePatch, type HeldKpi } from './kpi-updates.ts';
import { ORDERS_STATE } from './kpi-state.fixture.ts';
import type { ObjectiveState, SeriesPoint } from './status.ts';

const base = ORDERS_STATE;
const spark = (from: number, to: number, v = (t: number) => t * 10): SeriesPoint[] =>
  Array.from({ length: to - from }, (_, i) => [from + i, v(from + i)]);

describe('diffKpiState', () => {
  it('lists only the fields that changed', () => {
    expect(diffKpiState(base, { ...base, value: 4, attainment: 40, evaluatedAt: 3 })).toEqual({ value: 4, attainment: 40, evaluatedAt: 3 });
    expect(diffKpiState(base, { ...base })).toEqual({});
  });

  it('compares the anomaly by value and sends a dropped one as null', () => {
    const anomaly = { score: 0.5, lower: 1, upper: 2, flag: false, detector: 'robust' };
    const withAnomaly = { ...base, anomaly };
    expect(diffKpiState(withAnomaly, { ...base, anomaly: { ...anomaly } })).toEqual({});
    expect(diffKpiState(withAnomaly, { ...base, anomaly: { ...anomaly, flag: true } })).toEqual({ anomaly: { ...anomaly, flag: true } });
    expect(diffKpiState(withAnomaly, base)).toEqual({ anomaly: null });
  });
});

describe('diffSpark', () => {
  it('describes a new slot as one point dropped and one added', () => {
    const prev = spark(0, 60);
    const next = spark(1, 61);
    expect(diffSpark(prev, next)).toEqual({ drop: 1, keep: 59, add: [[60, 600]] });
  });

  it('re-sends the points a late event changed', () => {
    const prev = spark(0, 60);
    const next = spark(0, 60, (t) => (t >= 58 ? -1 : t * 10));
    expect(diffSpark(prev, next)).toEqual({
      drop: 0,
      keep: 58,
      add: [
        [58, -1],
        [59, -1],
      ],
    });
  });

  it('gives up when little is shared', () => {
    expect(diffSpark(spark(0, 60), spark(100, 160))).toBeNull();
    expect(diffSpark(spark(0, 60), spark(40, 100))).toBeNull();
    expect(diffSpark(spark(0, 60), [])).toBeNull();
  });
});

describe('kpiUpdate and applyKpiUpdate', () => {
  const held: HeldKpi = { state: base, spark: spark(0, 60), seq: 5 };

  it('round-trips a patch: what the client ends with equals what the server has', () => {
    const next = { state: { ...base, value: 9, lastEventTs: 7, anomaly: null }, spark: spark(1, 61) };
    const update = kpiUpdate('orders', 8, { seq: 5, state: held.state, spark: held.spark }, next);
    expect(update).toEqual({
      id: 'orders',
      seq: 8,
      base: 5,
      set: { value: 9, lastEventTs: 7, anomaly: null },
      sparkPatch: { drop: 1, keep: 59, add: [[60, 600]] },
    });
    const wire = JSON.parse(JSON.stringify(update)) as typeof update;
    expect(applyKpiUpdate(held, wire)).toEqual({ kind: 'applied', kpi: { state: next.state, spark: next.spark, seq: 8 } });
  });

  it('sends whole values when there is nothing to patch', () => {
    const update = kpiUpdate('orders', 3, undefined, { state: base, spark: [[1, 2]] });
    expect(update).toEqual({ id: 'orders', seq: 3, state: base, spark: [[1, 2]] });
    expect(applyKpiUpdate(undefined, update)).toEqual({ kind: 'applied', kpi: { state: base, spark: [[1, 2]], seq: 3 } });
    // a sparkline only: the state held stays
    expect(applyKpiUpdate(held, { id: 'orders', seq: 6, spark: [[1, 2]] })).toEqual({
      kind: 'applied',
      kpi: { state: base, spark: [[1, 2]], seq: 6 },
    });
  });

  it('refuses a patch of an update the client does not hold, and drops repeats', () => {
    expect(applyKpiUpdate(held, { id: 'orders', seq: 9, base: 7, set: { value: 1 } })).toEqual({ kind: 'gap' });
    expect(applyKpiUpdate(undefined, { id: 'orders', seq: 9, base: 7, set: { value: 1 } })).toEqual({ kind: 'gap' });
    expect(applyKpiUpdate(held, { id: 'orders', seq: 5, state: base })).toEqual({ kind: 'repeat' });
    expect(applyKpiUpdate(held, { id: 'orders', seq: 4, base: 3, set: { value: 1 } })).toEqual({ kind: 'repeat' });
  });
});

describe('objective state patches', () => {
  const o = (extra: Partial<ObjectiveState> = {}): ObjectiveState => ({
    id: 'o',
    attainment: 70.123,
    status: 'on_track',
    troubled: [],
    kpiCount: 3,
    ...extra,
  });

  it('gives the fields that changed, a reason that went away as null, and null when nothing changed', () => {
    expect(objectivePatch(o(), o({ attainment: 70.1234567 }))).toEqual({ id: 'o', attainment: 70.1234567 });
    expect(objectivePatch(o({ reason: 'x', troubled: ['k'] }), o())).toEqual({ id: 'o', reason: null, troubled: [] });
    expect(objectivePatch(o({ troubled: ['k'] }), o({ troubled: ['k'] }))).toBeNull();
    expect(objectivePatch(undefined, o())).toEqual({ ...o(), reason: null });
  });

  it('merged over the state held, ends at the new state', () => {
    const prev = o({ reason: 'x', troubled: ['k'], status: 'at_risk' });
    const next = o({ attainment: 99.5 });
    expect(applyObjectivePatch(prev, objectivePatch(prev, next)!)).toEqual({ ...next, reason: null });
    // a whole one gives the new state over any older copy
    expect(applyObjectivePatch(o({ reason: 'y', kpiCount: 9 }), objectivePatch(undefined, next)!)).toEqual({ ...next, reason: null });
  });
});
