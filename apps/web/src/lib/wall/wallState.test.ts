import {
  PROTOCOL_VERSION,
  type Alert,
  type KpiState,
  type KpiUpdate,
  type ObjectiveState,
  type ServerMessage,
  type WallKpi,
  type WallObjective,
} from '@northstar/shared';
import { kpiStateOf } from '@northstar/shared/kpi-state.fixture';
import { describe, expect, it } from 'vitest';
import { wallKpiOf } from './wall.fixture.ts';
import { EMPTY_WALL, MAX_SPARK_POINTS, applyMessage, resumeMessage, type WallState } from './wallState.ts';

function kpiState(id: string, value: number | null, overrides: Partial<KpiState> = {}): KpiState {
  return kpiStateOf(id, { value, attainment: value, lastEventTs: 1_000, evaluatedAt: 1_000, ...overrides });
}

function wallKpi(id: string, objective = 'o1'): WallKpi {
  return wallKpiOf(id, { definition: { unit: '', objective }, state: kpiState(id, 50), spark: [[1_000, 50]] });
}

function objectiveState(id: string, overrides: Partial<ObjectiveState> = {}): ObjectiveState {
  return { id, attainment: 50, status: 'off_track', troubled: [], kpiCount: 2, ...overrides };
}

function wallObjective(id: string): WallObjective {
  return { definition: { id, name: id, level: 'organisation', rollup: 'weighted_average' }, state: objectiveState(id) };
}

const snapshot: ServerMessage = {
  type: 'snapshot',
  serverTime: 2_000,
  objectives: [wallObjective('o1'), wallObjective('o2')],
  kpis: [wallKpi('a'), wallKpi('b')],
  goals: [{ id: 'g1', name: 'Ship it', owner: 'ana', kpi: 'a', target: 10 }],
  alerts: [],
};

describe('applyMessage', () => {
  it('records hello details without touching tiles', () => {
    const next = applyMessage(EMPTY_WALL, { type: 'hello', protocol: PROTOCOL_VERSION, serverVersion: '1.2.3', serverTime: 5 });
    expect(next).toMatchObject({ hasSnapshot: false, serverVersion: '1.2.3', protocol: PROTOCOL_VERSION, serverTime: 5 });
  });

  it('replaces all state on a snapshot, objectives and goals included', () => {
    const first = applyMessage(EMPTY_WALL, snapshot);
    expect(first.hasSnapshot).toBe(true);
    expect(first.snapshotCount).toBe(1);
    expect(first.order).toEqual(['a', 'b']);
    expect(first.objectives.map((o) => o.definition.id)).toEqual(['o1', 'o2']);
    expect(first.goals.map((g) => g.id)).toEqual(['g1']);
    const second = applyMessage(first, { ...snapshot, kpis: [wallKpi('c')], objectives: [], goals: [] });
    expect(second.snapshotCount).toBe(2);
    expect(second.order).toEqual(['c']);
    expect([...second.kpis.keys()]).toEqual(['c']);
    expect(second.objectives).toEqual([]);
    expect(second.goals).toEqual([]);
  });

  it('updates KPI states by id and replaces sparklines on a delta', () => {
    const before = applyMessage(EMPTY_WALL, snapshot);
    const after = applyMessage(before, {
      type: 'delta',
      serverTime: 3_000,
      kpis: [
        {
          id: 'a',
          seq: 1,
          state: kpiState('a', 75, { status: 'at_risk' }),
          spark: [
            [1_000, 50],
            [6_000, 75],
          ],
        },
      ],
      objectives: [],
    });
    expect(after.kpis.get('a')?.state).toMatchObject({ value: 75, status: 'at_risk' });
    expect(after.kpis.get('a')?.spark).toEqual([
      [1_000, 50],
      [6_000, 75],
    ]);
    expect(after.serverTime).toBe(3_000);
    // Untouched KPIs and objectives keep their identity so they do not re-render.
    expect(after.kpis.get('b')).toBe(before.kpis.get('b'));
    expect(after.objectives).toBe(before.objectives);
    // The previous state is not mutated.
    expect(before.kpis.get('a')?.state.value).toBe(50);
  });

  it('replaces the rolled-up state of the objectives a delta lists', () => {
    const before = applyMessage(EMPTY_WALL, snapshot);
    const after = applyMessage(before, {
      type: 'delta',
      serverTime: 3_000,
      kpis: [],
      objectives: [objectiveState('o2', { attainment: 97, status: 'at_risk', troubled: ['b'] }), objectiveState('ghost')],
    });
    expect(after.objectives.map((o) => o.definition.id)).toEqual(['o1', 'o2']);
    expect(after.objectives[1]?.state).toMatchObject({ attainment: 97, status: 'at_risk', troubled: ['b'] });
    expect(after.objectives[0]).toBe(before.objectives[0]);
    expect(before.objectives[1]?.state.attainment).toBe(50);
  });

  it('merges the fields a delta gives for an objective over the state it holds, keeping the rest', () => {
    const before = applyMessage(EMPTY_WALL, snapshot);
    const troubled = applyMessage(before, {
      type: 'delta',
      serverTime: 3_000,
      kpis: [],
      objectives: [{ id: 'o2', status: 'at_risk', troubled: ['b'], reason: 'b is at risk' }],
    });
    const after = applyMessage(troubled, {
      type: 'delta',
      serverTime: 4_000,
      kpis: [],
      objectives: [{ id: 'o2', attainment: 96.123456789 }],
    });
    expect(after.objectives[1]?.state).toEqual({
      ...before.objectives[1]!.state,
      attainment: 96.123456789,
      status: 'at_risk',
      troubled: ['b'],
      reason: 'b is at risk',
    });
    // a reason that went away comes as null
    const cleared = applyMessage(after, {
      type: 'delta',
      serverTime: 5_000,
      kpis: [],
      objectives: [{ id: 'o2', status: 'on_track', troubled: [], reason: null }],
    });
    expect(cleared.objectives[1]?.state).toMatchObject({ attainment: 96.123456789, status: 'on_track', troubled: [], reason: null });
    expect(cleared.objectives[0]).toBe(before.objectives[0]);
  });

  it('ignores deltas for unknown KPIs and before the first snapshot', () => {
    const delta: ServerMessage = {
      type: 'delta',
      serverTime: 3_000,
      kpis: [{ id: 'zzz', seq: 1, state: kpiState('zzz', 1), spark: [[1, 1]] }],
      objectives: [objectiveState('o1')],
    };
    expect(applyMessage(EMPTY_WALL, delta).hasSnapshot).toBe(false);
    expect(applyMessage(EMPTY_WALL, delta).objectives).toEqual([]);
    const after = applyMessage(applyMessage(EMPTY_WALL, snapshot), delta);
    expect(after.kpis.has('zzz')).toBe(false);
    expect(after.outOfStep).toBe(false);
  });

  it('keeps the tiles on a milestone and only advances the clock', () => {
    const before = applyMessage(EMPTY_WALL, snapshot);
    const after = applyMessage(before, {
      type: 'milestone',
      serverTime: 8_000,
      milestone: { kind: 'kpi', id: 'a', name: 'A', period: '2026-Q4', value: 120, reachedAt: 7_900 },
    });
    expect(after.kpis).toBe(before.kpis);
    expect(after.objectives).toBe(before.objectives);
    expect(after.snapshotCount).toBe(1);
    expect(after.serverTime).toBe(8_000);
  });

  it('keeps the last state on heartbeat', () => {
    const before = applyMessage(EMPTY_WALL, snapshot);
    const after = applyMessage(before, { type: 'heartbeat', serverTime: 9_000 });
    expect(after.kpis).toBe(before.kpis);
    expect(after.serverTime).toBe(9_000);
  });

  it('keeps the snapshot alerts by key and replaces one on an alert message, leaving tiles alone', () => {
    const a1 = { key: 'r/a/', kpi: 'a', state: 'pending', since: 1 } as Alert;
    const a2 = { key: 'r/b/', kpi: 'b', state: 'alerting', since: 1 } as Alert;
    const before = applyMessage(EMPTY_WALL, { ...snapshot, alerts: [a1, a2] });
    expect([...before.alerts.keys()]).toEqual(['r/a/', 'r/b/']);
    const firing = { ...a1, state: 'alerting', since: 2 } as Alert;
    const after = applyMessage(before, { type: 'alert', serverTime: 9_500, alert: firing });
    expect(after.kpis).toBe(before.kpis);
    expect(after.serverTime).toBe(9_500);
    expect(after.alerts.get('r/a/')).toBe(firing);
    expect(after.alerts.get('r/b/')).toBe(a2);
    expect(after.alerts.size).toBe(2);
    // the input is not mutated
    expect(before.alerts.get('r/a/')).toBe(a1);
    const added = applyMessage(after, { type: 'alert', serverTime: 9_600, alert: { ...a2, key: 'r/c/' } });
    expect([...added.alerts.keys()]).toEqual(['r/a/', 'r/b/', 'r/c/']);
    // a new snapshot says everything again
    expect(applyMessage(added, snapshot).alerts.size).toBe(0);
  });

  it('trims an oversized snapshot spark', () => {
    const long = wallKpi('a');
    long.spark = Array.from({ length: MAX_SPARK_POINTS + 30 }, (_, i) => [i, i] as [number, number]);
    const state = applyMessage(EMPTY_WALL, { ...snapshot, kpis: [long] });
    expect(state.kpis.get('a')?.spark).toHaveLength(MAX_SPARK_POINTS);
    expect(state.kpis.get('a')?.spark[0]).toEqual([30, 30]);
  });
});

describe('sequence numbers and resume', () => {
  const hello = (instance: string, token: string): ServerMessage => ({
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    serverVersion: '1',
    serverTime: 1,
    instance,
    resumeToken: token,
  });
  const delta = (id: string, value: number, seq: number, replay = false): ServerMessage => ({
    type: 'delta',
    serverTime: 3_000,
    kpis: [{ id, seq, state: kpiState(id, value), spark: [[3_000, value]] }],
    objectives: [],
    ...(replay ? { replay } : {}),
  });
  const patch = (id: string, seq: number, base: number, set: KpiUpdate['set'], sparkPatch?: KpiUpdate['sparkPatch']): ServerMessage => ({
    type: 'delta',
    serverTime: 3_000,
    kpis: [{ id, seq, base, set, ...(sparkPatch ? { sparkPatch } : {}) }],
    objectives: [],
  });
  const seeded = (): WallState =>
    applyMessage(applyMessage(EMPTY_WALL, hello('i1', 'i1.1')), { ...snapshot, seqs: { a: 5, b: 2 }, cursor: 5 });

  it('takes the sequence numbers and cursor from a snapshot', () => {
    const wall = seeded();
    expect(Object.fromEntries(wall.seqs)).toEqual({ a: 5, b: 2 });
    expect(wall.cursor).toBe(5);
  });

  it('applies a delta only above the known sequence number, never twice', () => {
    let wall = seeded();
    wall = applyMessage(wall, delta('a', 70, 5));
    expect(wall.kpis.get('a')?.state.value).toBe(50);
    expect(wall.kpis.get('a')?.spark).toEqual([[1_000, 50]]);
    wall = applyMessage(wall, delta('a', 71, 6));
    expect(wall.kpis.get('a')?.state.value).toBe(71);
    expect(wall.seqs.get('a')).toBe(6);
    expect(wall.cursor).toBe(6);
    // the same update replayed after a reconnect changes nothing
    const again = applyMessage(wall, delta('a', 99, 6, true));
    expect(again.kpis.get('a')?.state.value).toBe(71);
    // an older one neither
    expect(applyMessage(wall, delta('a', 12, 4)).kpis.get('a')?.state.value).toBe(71);
    // a replayed update that was missed is applied
    const missed = applyMessage(wall, delta('b', 33, 3, true));
    expect(missed.kpis.get('b')?.state.value).toBe(33);
    expect(missed.seqs.get('b')).toBe(3);
  });

  it('applies a patch of the update it holds: the changed fields and the sparkline points', () => {
    const before = seeded();
    const wall = applyMessage(before, patch('a', 6, 5, { value: 60, status: 'at_risk' }, { drop: 0, keep: 1, add: [[6_000, 60]] }));
    expect(wall.kpis.get('a')?.state).toEqual(kpiState('a', 60, { attainment: 50, status: 'at_risk' }));
    expect(wall.kpis.get('a')?.spark).toEqual([
      [1_000, 50],
      [6_000, 60],
    ]);
    expect(wall.seqs.get('a')).toBe(6);
    expect(wall.outOfStep).toBe(false);
    // the other tile keeps its identity
    expect(wall.kpis.get('b')).toBe(before.kpis.get('b'));
  });

  it('leaves a KPI as it is when a patch builds on an update it missed, until a replay', () => {
    const wall = applyMessage(seeded(), patch('a', 8, 7, { value: 80 }));
    expect(wall.kpis.get('a')?.state.value).toBe(50);
    expect(wall.seqs.get('a')).toBe(5);
    expect(wall.outOfStep).toBe(true);
    // still out of step through other deltas; the replay answering the resume sets it right
    expect(applyMessage(wall, patch('b', 9, 2, { value: 1 })).outOfStep).toBe(true);
    const replayed = applyMessage(wall, delta('a', 81, 8, true));
    expect(replayed.outOfStep).toBe(false);
    expect(replayed.kpis.get('a')?.state.value).toBe(81);
    expect(applyMessage(wall, { ...snapshot, seqs: { a: 9 } }).outOfStep).toBe(false);
  });

  it('replaces everything, sequence numbers included, on a snapshot', () => {
    let wall = applyMessage(seeded(), delta('a', 71, 9));
    wall = applyMessage(wall, { ...snapshot, kpis: [wallKpi('a')], seqs: { a: 1 }, cursor: 1 });
    expect(wall.kpis.get('a')?.state.value).toBe(50);
    expect(Object.fromEntries(wall.seqs)).toEqual({ a: 1 });
    // numbering restarted: seq 2 is new again
    expect(applyMessage(wall, delta('a', 80, 2)).kpis.get('a')?.state.value).toBe(80);
  });

  it('forgets the sequence numbers when another server instance says hello', () => {
    const wall = applyMessage(applyMessage(seeded(), delta('a', 71, 9)), hello('i1', 'i1.2'));
    expect(wall.seqs.get('a')).toBe(9);
    expect(wall.resumeToken).toBe('i1.2');
    const other = applyMessage(wall, hello('i2', 'i2.1'));
    expect(other.seqs.size).toBe(0);
    expect(other.cursor).toBe(0);
  });

  it('builds the resume message from the last hello and the applied numbers', () => {
    expect(resumeMessage(EMPTY_WALL)).toBeNull();
    expect(resumeMessage(applyMessage(EMPTY_WALL, hello('i1', 'i1.1')))).toBeNull();
    const wall = applyMessage(seeded(), delta('b', 40, 4));
    expect(resumeMessage(wall)).toEqual({ type: 'resume', token: 'i1.1', seqs: { a: 5, b: 4 }, cursor: 5 });
    expect(resumeMessage(wall, { kpis: ['a'] })).toEqual({
      type: 'resume',
      token: 'i1.1',
      seqs: { a: 5, b: 4 },
      cursor: 5,
      scope: { kpis: ['a'] },
    });
    // a server without resume tokens gets no resume
    const old = applyMessage(
      applyMessage(EMPTY_WALL, { type: 'hello', protocol: PROTOCOL_VERSION, serverVersion: '1', serverTime: 1 }),
      snapshot,
    );
    expect(resumeMessage(old)).toBeNull();
  });
});
