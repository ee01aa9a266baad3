import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KpiSchema, ObjectiveSchema, type Alert, type KpiState, type Milestone, type SeriesPoint } from '@northstar/shared';
import { ORDERS_STATE } from '@northstar/shared/kpi-state.fixture';
import type { AlertListener } from '../watch/alert-engine.ts';
import type { WallListener } from './wall-listener.ts';
import { WallService } from './wall-service.ts';

const objective = ObjectiveSchema.parse({ id: 'grow', name: 'Grow', owner: 'Ann' });
const orders = KpiSchema.parse({ id: 'orders', name: 'Orders', metric: 'orders', aggregation: 'sum', window: '1h', objective: 'grow' });
const visits = KpiSchema.parse({ id: 'visits', name: 'Visits', metric: 'visits', aggregation: 'sum', window: '1h', objective: 'grow' });

/** A wall over scripted parts: the test sets what the evaluator and detectors say next. */
function wallOver() {
  const now: { states: KpiState[]; changed: string[]; sparks: Array<{ id: string; points: SeriesPoint[] }>; stepped: string[] } = {
    states: [
      { ...ORDERS_STATE, id: 'orders', value: 3 },
      { ...ORDERS_STATE, id: 'visits', value: 40 },
    ],
    changed: ['orders', 'visits'],
    sparks: [],
    stepped: [],
  };
  const anomalies = new Map<string, { score: number; flag: boolean }>();
  const alertListeners: AlertListener[] = [];
  const firing: Alert[] = [];
  const stored: Milestone[] = [];
  const calls: string[] = [];
  const service = new WallService({
    evaluator: {
      evaluate: () => ({ changed: now.states.filter((s) => now.changed.includes(s.id)), sparks: now.sparks }),
      states: () => now.states,
      state: (id) => now.states.find((s) => s.id === id),
    },
    detection: {
      tick: () => now.stepped,
      anomaly: (id) =>
        anomalies.has(id) ? ({ ...anomalies.get(id)!, lower: 0, upper: 1, detector: 'x', learning: false } as never) : null,
    },
    alerts: {
      list: () => firing,
      tick: () => void calls.push('alerts.tick'),
      onAlertChanged: (l) => void alertListeners.push(l),
    },
    model: { objectives: [objective], kpis: [orders, visits], goals: [] },
    milestones: { milestones: () => Promise.resolve([]), addMilestone: (m) => (stored.push(m), Promise.resolve()) },
    log: pino({ level: 'silent' }),
  });
  const heard = {
    published: [] as Array<{ ids: string[]; sparks: string[]; objectives: string[] }>,
    alerts: [] as string[],
    milestones: [] as Milestone[],
    resyncs: 0,
  };
  const listener: WallListener = {
    publish: (states, sparks, objectives = []) =>
      heard.published.push({ ids: states.map((s) => s.id), sparks: sparks.map((s) => s.id), objectives: objectives.map((o) => o.id) }),
    alertChanged: (a) => void heard.alerts.push(a.key),
    celebrate: (m) => void heard.milestones.push(m),
    resync: () => void (heard.resyncs += 1),
  };
  service.subscribe(listener);
  return { service, now, anomalies, alertListeners, firing, stored, calls, heard };
}

describe('WallService', () => {
  it('keeps one state per KPI, with the detectors word, and the API, the snapshot and the published change all read it', () => {
    const { service, anomalies, heard, now } = wallOver();
    anomalies.set('orders', { score: 9, flag: true });
    now.sparks = [{ id: 'orders', points: [[1, 3]] }];
    service.refresh(1_000);
    const state = service.kpiState('orders')!;
    expect(state).toMatchObject({ value: 3, anomaly: { score: 9, flag: true } });
    const snap = service.snapshot(1_000);
    expect(snap.kpis.find((k) => k.definition.id === 'orders')).toEqual({ definition: orders, state, spark: [[1, 3]] });
    expect(heard.published).toEqual([{ ids: ['orders', 'visits'], sparks: ['orders'], objectives: ['grow'] }]);
    expect(snap.objectives[0]!.state).toEqual(service.objectiveState('grow'));
  });

  it('answers for a KPI just saved before the next evaluation (read your writes), without telling the walls', () => {
    const { service, now, heard } = wallOver();
    service.refresh(1_000);
    const published = heard.published.length;
    now.states = [...now.states, { ...ORDERS_STATE, id: 'signups', value: 0 }];
    expect(service.kpiState('signups')).toBeUndefined();
    service.admit(['signups', 'orders']);
    expect(service.kpiState('signups')).toMatchObject({ id: 'signups', value: 0 });
    // a KPI the wall already holds keeps its evaluated state
    expect(service.kpiState('orders')).toMatchObject({ value: 3 });
    expect(heard.published.length).toBe(published);
  });

  it('publishes only what changed: a KPI whose detector stepped, and objectives whose roll-up moved', () => {
    const { service, now, heard } = wallOver();
    service.tick(1_000);
    now.changed = [];
    now.stepped = ['visits'];
    service.tick(2_000);
    expect(heard.published.at(-1)).toEqual({ ids: ['visits'], sparks: [], objectives: [] });
    now.stepped = [];
    now.changed = ['orders'];
    now.states = [{ ...now.states[0]!, value: 9, attainment: 90, status: 'on_track' }, now.states[1]!];
    service.refresh(3_000);
    expect(heard.published.at(-1)).toEqual({ ids: ['orders'], sparks: [], objectives: ['grow'] });
  });

  it('ticks alerts after the KPIs, brings their changes and milestones to its listeners, and resyncs them on a model change', async () => {
    const { service, now, alertListeners, heard, calls, stored } = wallOver();
    await service.start();
    service.tick(1_000);
    expect(calls).toEqual(['alerts.tick']);
    alertListeners.forEach((l) => l({ key: 'r/orders/' } as Alert));
    expect(heard.alerts).toEqual(['r/orders/']);
    now.states = [{ ...now.states[0]!, value: 10, attainment: 100, status: 'on_track' }, now.states[1]!];
    service.tick(2_000);
    expect(heard.milestones.map((m) => [m.kind, m.id])).toContainEqual(['kpi', 'orders']);
    expect(stored).toEqual(heard.milestones);
    service.modelChanged(3_000);
    expect(heard.resyncs).toBe(1);
    expect(calls).toEqual(['alerts.tick', 'alerts.tick', 'alerts.tick']);
  });

  it('forgets a KPI the evaluator no longer has, with its sparkline', () => {
    const { service, now } = wallOver();
    now.sparks = [{ id: 'visits', points: [[1, 40]] }];
    service.refresh(1_000);
    now.states = [now.states[0]!];
    now.sparks = [];
    service.refresh(2_000);
    expect(service.kpiState('visits')).toBeUndefined();
    expect(service.snapshot(2_000).kpis.map((k) => k.definition.id)).toEqual(['orders']);
  });
});
