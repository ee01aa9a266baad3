import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyKpiUpdate, type Alert, type HeldKpi, type KpiState, type Milestone, type ServerMessage } from '@northstar/shared';
import { ORDERS_STATE } from '@northstar/shared/kpi-state.fixture';
import { createMetrics } from '../observe/metrics.ts';
import { SLOW_CLIENT_CLOSE } from './backpressure.ts';
import { CREDENTIALS_ENDED_CLOSE } from './connections.ts';
import { FakeSocket } from './fake-socket.fixture.ts';
import { LiveHub } from './hub.ts';
import { SNAPSHOT_REUSE_MS, type SnapshotMessage } from './snapshot-cache.ts';

const FRAME_MS = 100;
const KPIS = ['k1', 'k2', 'k3'];
const state = (id: string, value: number): KpiState => ({ ...ORDERS_STATE, id, value });
const MILESTONE: Milestone = { kind: 'kpi', id: 'k1', name: 'K1', period: '2026-Q4', value: 3, reachedAt: 1_000_000 };

/** The hub over fake sockets and a fake clock; the snapshot source counts its calls. */
function hubOver(opts: { maxBufferedBytes?: number; slowClientGraceMs?: number } = {}) {
  const metrics = createMetrics();
  const source: { calls: number; objectives: SnapshotMessage['objectives'] } = { calls: 0, objectives: [] };
  const hub = new LiveHub({
    snapshot: (): SnapshotMessage => {
      source.calls += 1;
      return {
        type: 'snapshot',
        serverTime: Date.now(),
        objectives: source.objectives.map((o) => ({ ...o })),
        kpis: KPIS.map((id) => ({ definition: { id, name: id } as never, state: state(id, 0), spark: [] })),
        goals: [],
        alerts: [],
      };
    },
    serverVersion: 'test',
    frameIntervalMs: FRAME_MS,
    heartbeatIntervalMs: 60_000,
    maxBufferedBytes: opts.maxBufferedBytes ?? 1_000,
    slowClientGraceMs: opts.slowClientGraceMs,
    kpisUnder: (objective) => (objective === 'o1' ? ['k1', 'k2'] : []),
    metrics,
  });
  const connect = (o: Parameters<LiveHub['accept']>[1] = {}) => {
    const socket = new FakeSocket();
    return { socket, client: hub.accept(socket, o) };
  };
  const say = (client: ReturnType<typeof connect>['client'], msg: object) => hub.receive(client, Buffer.from(JSON.stringify(msg)), false);
  return { hub, metrics, source, connect, say };
}

/**
 * KPI id → value a client holds after applying these messages in order as the wall does
 * (shared applyKpiUpdate); a patch of an update it does not hold fails the test.
 */
function heldValues(messages: readonly ServerMessage[]): Record<string, number | null> {
  const held = new Map<string, HeldKpi>();
  for (const m of messages) {
    if (m.type === 'snapshot') {
      held.clear();
      for (const k of m.kpis) held.set(k.definition.id, { state: k.state, spark: k.spark, seq: m.seqs?.[k.definition.id] ?? 0 });
    }
    if (m.type !== 'delta') continue;
    for (const u of m.kpis) {
      const outcome = applyKpiUpdate(held.get(u.id), u);
      if (outcome.kind === 'gap') throw new Error(`a patch of ${u.id} that this client cannot apply: ${JSON.stringify(u)}`);
      if (outcome.kind === 'applied') held.set(u.id, outcome.kpi);
    }
  }
  return Object.fromEntries([...held].map(([id, k]) => [id, k.state.value]));
}

/** KPI id → value in each delta a socket got. */
const deltas = (s: FakeSocket) => s.of('delta').map((d) => Object.fromEntries(d.kpis.map((u) => [u.id, u.state?.value ?? u.set?.value])));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveHub fan-out', () => {
  it('greets a new client, sends it a snapshot, then one delta frame shared by every client with the same scope', async () => {
    const { hub, connect } = hubOver();
    const a = connect();
    const b = connect();
    expect(a.socket.messages.map((m) => m.type)).toEqual(['hello', 'snapshot']);
    hub.publish([state('k1', 5)], []);
    await vi.advanceTimersByTimeAsync(0);
    expect(deltas(a.socket)).toEqual([{ k1: 5 }]);
    // one Buffer for both: encoded once, buffered once per client
    expect(a.socket.raw.at(-1)).toBe(b.socket.raw.at(-1));
    await hub.close();
  });

  it('coalesces changes within a frame interval to the latest per KPI, and patches the previous frame', async () => {
    const { hub, connect } = hubOver();
    const { socket } = connect();
    hub.publish([state('k1', 1)], []);
    await vi.advanceTimersByTimeAsync(0); // the first change after a quiet spell goes at once
    hub.publish([state('k1', 2)], []);
    hub.publish([state('k1', 3), state('k2', 7)], []);
    await vi.advanceTimersByTimeAsync(FRAME_MS - 1);
    expect(socket.of('delta')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(deltas(socket)).toEqual([{ k1: 1 }, { k1: 3, k2: 7 }]);
    const [first, second] = socket.of('delta');
    const k1 = second!.kpis.find((u) => u.id === 'k1')!;
    expect(k1).toEqual({ id: 'k1', seq: k1.seq, base: first!.kpis[0]!.seq, set: { value: 3 } });
    await hub.close();
  });
});

describe('LiveHub objective states', () => {
  const objective = (attainment: number, extra: object = {}) => ({
    id: 'o1',
    attainment,
    status: 'on_track' as const,
    troubled: [],
    kpiCount: 2,
    ...extra,
  });

  it('sends only the fields of an objective state that changed, unrounded, and nothing for one that did not', async () => {
    const { hub, connect } = hubOver();
    const { socket } = connect();
    hub.publish([], [], [objective(50.123456789, { reason: 'slow' })]);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    hub.publish([], [], [objective(51.987654321)]);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    hub.publish([state('k1', 1)], [], [objective(51.987654321)]);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(socket.of('delta').map((d) => d.objectives)).toEqual([
      [{ id: 'o1', attainment: 50.123456789, status: 'on_track', troubled: [], kpiCount: 2, reason: 'slow' }],
      [{ id: 'o1', attainment: 51.987654321, reason: null }],
      [],
    ]);
    expect(heldObjectives(socket.messages)).toEqual({ o1: { ...objective(51.987654321), reason: null } });
    await hub.close();
  });

  it('gives objectives in a snapshot as the wire last carried them, so the fields the next delta brings make them current', async () => {
    const { hub, connect, source } = hubOver();
    const early = connect();
    hub.publish([], [], [objective(1)]);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    // the wall service holds a newer state than went out (the snapshot source gives it), and its status goes back before the frame
    await vi.advanceTimersByTimeAsync(SNAPSHOT_REUSE_MS); // the cached snapshot is stale: the joiner gets a fresh one
    hub.publish([], [], [objective(2, { status: 'at_risk' })]);
    const newest = objective(3);
    const snapshotOf = source.objectives;
    source.objectives = [
      {
        definition: { id: 'o1', name: 'o1', level: 'organisation', rollup: 'weighted_average' },
        state: objective(2, { status: 'at_risk' }),
      },
    ];
    const late = connect();
    hub.publish([], [], [newest]);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    source.objectives = snapshotOf;
    expect(heldObjectives(late.socket.messages)).toEqual({ o1: newest });
    expect(heldObjectives(early.socket.messages)).toEqual({ o1: { ...newest, reason: null } });
    await hub.close();
  });
});

describe('LiveHub subscriptions', () => {
  it('sends a subscribed client only its KPIs (by id and by objective), and everything to one that never subscribed', async () => {
    const { hub, connect, say } = hubOver();
    const all = connect();
    const some = connect();
    say(some.client, { type: 'unsubscribe', kpis: ['k1'] }); // before any subscribe: ignored, it still gets everything
    say(some.client, { type: 'subscribe', objectives: ['o1'] });
    hub.publish(
      KPIS.map((id) => state(id, 1)),
      [],
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(deltas(some.socket)).toEqual([{ k1: 1, k2: 1 }]);
    expect(deltas(all.socket)).toEqual([{ k1: 1, k2: 1, k3: 1 }]);

    // narrowed: k1 leaves; widened: k3 joins, and comes whole at once since it changed without this client
    say(some.client, { type: 'subscribe', kpis: ['k3'] });
    expect(some.socket.of('delta').at(-1)!.kpis).toEqual([expect.objectContaining({ id: 'k3', state: state('k3', 1) })]);
    say(some.client, { type: 'unsubscribe', objectives: ['o1'] });
    hub.publish(
      KPIS.map((id) => state(id, 2)),
      [],
    );
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(deltas(some.socket).at(-1)).toEqual({ k3: 2 });
    await hub.close();
  });

  it('keeps a restricted connection to its KPIs whatever it asks, and shows it only their alerts', async () => {
    const { hub, connect, say } = hubOver();
    const kiosk = connect({ access: { kpis: new Set(['k2']), objectives: new Set() } });
    expect(kiosk.socket.of('snapshot')[0]!.kpis.map((k) => k.definition.id)).toEqual(['k2']);
    say(kiosk.client, { type: 'subscribe', all: true });
    hub.publish(
      KPIS.map((id) => state(id, 4)),
      [],
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(deltas(kiosk.socket)).toEqual([{ k2: 4 }]);
    hub.alertChanged({ key: 'r/k1/', kpi: 'k1' } as Alert);
    hub.alertChanged({ key: 'r/k2/', kpi: 'k2' } as Alert);
    expect(kiosk.socket.of('alert').map((m) => m.alert.key)).toEqual(['r/k2/']);
    await hub.close();
  });
});

describe('LiveHub slow clients', () => {
  it('skips frames to a client over the buffer cap, then catches it up with a snapshot and the deltas since when it drains', async () => {
    const { hub, connect } = hubOver({ maxBufferedBytes: 1_000 });
    const { socket } = connect();
    socket.bufferedAmount = 5_000;
    hub.publish([state('k1', 1)], []);
    await vi.advanceTimersByTimeAsync(0);
    hub.publish([state('k1', 2)], []);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(socket.of('delta')).toHaveLength(0);
    socket.bufferedAmount = 0;
    hub.publish([state('k2', 3)], []);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    // the frame it would have had is a snapshot (the one reused since it connected) and the
    // deltas since it: together they hold everything it missed
    expect(socket.messages.map((m) => m.type)).toEqual(['hello', 'snapshot', 'snapshot', 'delta', 'delta', 'delta']);
    expect(heldValues(socket.messages.slice(2))).toEqual({ k1: 2, k2: 3, k3: 0 });
    await hub.close();
  });

  it('sends a milestone to a client over the buffer cap: the snapshot it catches up with holds none', async () => {
    const { hub, connect } = hubOver({ maxBufferedBytes: 1_000 });
    const { socket } = connect();
    socket.bufferedAmount = 5_000;
    hub.alertChanged({ key: 'r/k1/', kpi: 'k1' } as Alert);
    hub.celebrate(MILESTONE);
    expect(socket.of('alert')).toHaveLength(0); // the snapshot it gets when it drains holds the alert
    expect(socket.of('milestone').map((m) => m.milestone)).toEqual([MILESTONE]);
    await hub.close();
  });

  it('disconnects a client that stays over the cap past the grace period, with a reason, and counts it', async () => {
    const { hub, metrics, connect } = hubOver({ maxBufferedBytes: 1_000, slowClientGraceMs: 1_000 });
    const slow = connect();
    const reader = connect();
    slow.socket.bufferedAmount = 5_000;
    for (let i = 0; i < 12; i++) {
      hub.publish([state('k1', i)], []);
      await vi.advanceTimersByTimeAsync(FRAME_MS);
    }
    expect(slow.socket.closed).toEqual({ code: SLOW_CLIENT_CLOSE.code, reason: SLOW_CLIENT_CLOSE.reason });
    expect(hub.clientCount).toBe(1);
    expect((await metrics.wsEvictions.get()).values[0]?.value).toBe(1);
    expect(slow.socket.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000); // it did not read the close either
    expect(slow.socket.terminated).toBe(true);
    expect(reader.socket.closed).toBeUndefined();
    expect(deltas(reader.socket).length).toBeGreaterThan(10);
    await hub.close();
  });
});

/** A metric's value (one without labels, or the one with these labels), 0 when never counted. */
async function metricValue(metrics: ReturnType<typeof createMetrics>, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return found?.value ?? 0;
}

/** Objective id → state a client holds after these messages, each delta's entries merged over what it held. */
function heldObjectives(messages: readonly ServerMessage[]): Record<string, unknown> {
  const held: Record<string, unknown> = {};
  for (const m of messages) {
    if (m.type === 'snapshot') for (const o of m.objectives) held[o.definition.id] = o.state;
    if (m.type === 'delta') for (const o of m.objectives) held[o.id] = { ...(held[o.id] as object | undefined), ...o };
  }
  return held;
}

describe('LiveHub clients that read behind', () => {
  const objective = (id: string, attainment: number) => ({ id, attainment, status: 'on_track' as const, troubled: [], kpiCount: 2 });

  /** A reader that answers every ping, and a client that reads (and so answers pings) only when told. */
  async function readerAndLaggard(opts: { maxBufferedBytes?: number } = {}) {
    const h = hubOver(opts);
    const reader = h.connect();
    const laggard = h.connect();
    const answer = (c: typeof reader) => {
      while (c.client.pings.length > 0) h.hub.ponged(c.client);
    };
    /** One frame interval: a change to k1 (and an objective), then the reader reads. */
    const tick = async (value: number) => {
      h.hub.publish([state('k1', value)], [], [objective('o1', value)]);
      await vi.advanceTimersByTimeAsync(FRAME_MS);
      answer(reader);
    };
    // both hold two frames; the laggard is pinged behind them
    await tick(1);
    await tick(2);
    answer(laggard);
    return { ...h, reader, laggard, answer, tick };
  }

  it('stops sending frames to a client whose ping waits unanswered past the bound, though no bytes wait here', async () => {
    const { hub, metrics, reader, laggard, tick } = await readerAndLaggard();
    const before = laggard.socket.of('delta').length;
    for (let i = 3; i <= 30; i++) await tick(i); // 2.8 s: its probe goes out within 1 s and is not answered
    const sentWhileBehind = laggard.socket.of('delta').length - before;
    expect(laggard.socket.bufferedAmount).toBe(0);
    expect(sentWhileBehind).toBeLessThanOrEqual(21); // frames until its ping was 1 s old, then none
    expect(deltas(reader.socket).length - before).toBe(28);
    expect(await metricValue(metrics, 'northstar_ws_coalesced_total')).toBe(1);
    expect(laggard.socket.closed).toBeUndefined();
    await hub.close();
  });

  it('catches a client that read again up with one delta of the latest per KPI: it ends where a reader of every frame is', async () => {
    const { hub, metrics, reader, laggard, answer, tick } = await readerAndLaggard();
    for (let i = 3; i <= 30; i++) await tick(i);
    hub.alertChanged({ key: 'r/k1/', kpi: 'k1', state: 'alerting' } as Alert);
    const missed = laggard.socket.messages.length;
    expect(laggard.socket.of('alert')).toHaveLength(0);
    answer(laggard); // it read everything queued, and its pong says so
    await tick(31);
    const caughtUp = laggard.socket.messages.slice(missed);
    expect(caughtUp.map((m) => m.type)).toEqual(['delta', 'alert']);
    // whole values, the newest of each KPI that changed: nothing to patch from what it lacks
    expect((caughtUp[0] as Extract<ServerMessage, { type: 'delta' }>).kpis).toEqual([
      expect.objectContaining({ id: 'k1', state: state('k1', 31) }),
    ]);
    expect(heldValues(laggard.socket.messages)).toEqual(heldValues(reader.socket.messages));
    expect(heldObjectives(laggard.socket.messages)).toEqual(heldObjectives(reader.socket.messages));
    expect(await metricValue(metrics, 'northstar_ws_catch_ups_total', { kind: 'delta' })).toBe(1);
    // and takes the next patch like everyone else
    await tick(32);
    expect(laggard.socket.raw.at(-1)).toBe(reader.socket.raw.at(-1));
    expect(heldValues(laggard.socket.messages)).toEqual({ k1: 32, k2: 0, k3: 0 });
    await hub.close();
  });

  it('disconnects a client that stays behind past the grace period and counts it', async () => {
    const { hub, metrics, laggard, tick } = await readerAndLaggard();
    for (let i = 3; i <= 125; i++) await tick(i); // 12.3 s
    expect(laggard.socket.closed).toEqual({ code: SLOW_CLIENT_CLOSE.code, reason: SLOW_CLIENT_CLOSE.reason });
    expect((await metrics.wsEvictions.get()).values[0]?.value).toBe(1);
    await hub.close();
  });
});

describe('LiveHub resume', () => {
  /** A client that saw two frames, then dropped; the hub moved on without it. */
  async function droppedClient() {
    const h = hubOver();
    const first = h.connect();
    h.hub.publish([state('k1', 1), state('k2', 1)], []);
    await vi.advanceTimersByTimeAsync(0);
    const hello = first.socket.of('hello')[0]!;
    const seqs = Object.fromEntries(first.socket.of('delta')[0]!.kpis.map((u) => [u.id, u.seq]));
    h.hub.closed(first.client);
    h.hub.publish([state('k2', 2)], []);
    h.hub.alertChanged({ key: 'r/k2/', kpi: 'k2', state: 'alerting' } as Alert);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    return { ...h, token: hello.resumeToken!, seqs };
  }

  it('replays only what a client of this instance missed, whole, in one frame, then its missed alerts', async () => {
    const { hub, connect, say, token, seqs, source } = await droppedClient();
    const callsBefore = source.calls;
    const again = connect({ resuming: true });
    expect(again.socket.messages.map((m) => m.type)).toEqual(['hello']);
    say(again.client, { type: 'resume', token, seqs });
    const [replay] = again.socket.of('delta');
    expect(replay).toMatchObject({ replay: true, kpis: [{ id: 'k2', state: state('k2', 2) }] });
    expect(again.socket.of('alert').map((m) => m.alert.key)).toEqual(['r/k2/']);
    expect(again.socket.of('snapshot')).toHaveLength(0);
    expect(source.calls - callsBefore).toBeLessThanOrEqual(1); // the objectives of a replay come from the (cached) snapshot
    await hub.close();
  });

  it('sends a resuming client the milestones reached while it was away, after a replay or a snapshot', async () => {
    const { hub, connect, say, token, seqs } = await droppedClient();
    hub.celebrate(MILESTONE);
    const again = connect({ resuming: true });
    say(again.client, { type: 'resume', token, seqs });
    expect(again.socket.messages.map((m) => m.type)).toEqual(['hello', 'delta', 'alert', 'milestone']);
    expect(again.socket.of('milestone')[0]!.milestone).toEqual(MILESTONE);
    // after a model change the answer is a snapshot: the milestone still follows it
    hub.resync();
    const third = connect({ resuming: true });
    say(third.client, { type: 'resume', token, seqs });
    expect(third.socket.messages.map((m) => m.type)).toEqual(['hello', 'snapshot', 'milestone']);
    // a client that saw it already (its cursor is past it) is not sent it again
    const cursor = third.socket.of('snapshot')[0]!.cursor;
    const fourth = connect({ resuming: true });
    say(fourth.client, { type: 'resume', token, seqs: {}, cursor });
    expect(fourth.socket.of('milestone')).toHaveLength(0);
    await hub.close();
  });

  it('keeps the scope of the connection it resumes, and sends a snapshot for another instance or after the wait', async () => {
    const h = hubOver();
    const first = h.connect();
    h.say(first.client, { type: 'subscribe', kpis: ['k3'] });
    const token = first.socket.of('hello')[0]!.resumeToken!;
    h.hub.closed(first.client);
    const again = h.connect({ resuming: true });
    h.say(again.client, { type: 'resume', token, seqs: {} });
    h.hub.publish(
      KPIS.map((id) => state(id, 9)),
      [],
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(deltas(again.socket).at(-1)).toEqual({ k3: 9 });

    const stranger = h.connect({ resuming: true });
    h.say(stranger.client, { type: 'resume', token: 'elsewhere.1', seqs: { k1: 1 } });
    expect(stranger.socket.of('snapshot')).toHaveLength(1);

    const silent = h.connect({ resuming: true });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(silent.socket.of('snapshot')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(silent.socket.of('snapshot')).toHaveLength(1);
    const outcomes = (await h.metrics.registry.getSingleMetric('northstar_ws_resumes_total')!.get()).values;
    expect(Object.fromEntries(outcomes.map((v) => [v.labels.outcome, v.value]))).toEqual({ replay: 1, 'snapshot:instance': 1 });
    await h.hub.close();
  });
});

describe('LiveHub snapshots', () => {
  it('reuses one encoded snapshot for a burst of connections, and follows it with the frames that went out since', async () => {
    const { hub, connect, source } = hubOver();
    const a = connect();
    const b = connect();
    expect(source.calls).toBe(1);
    expect(a.socket.raw[1]).toBe(b.socket.raw[1]);
    hub.publish([state('k1', 8)], []);
    await vi.advanceTimersByTimeAsync(0);
    hub.publish([state('k2', 9)], []);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    const c = connect();
    // not rebuilt for each frame: the same snapshot, then the same two delta Buffers a got
    expect(source.calls).toBe(1);
    expect(c.socket.messages.map((m) => m.type)).toEqual(['hello', 'snapshot', 'delta', 'delta']);
    expect(c.socket.raw.slice(1)).toEqual([a.socket.raw[1], ...a.socket.raw.slice(2)]);
    expect(c.socket.raw[2]).toBe(a.socket.raw[2]);
    expect(heldValues(c.socket.messages)).toEqual({ k1: 8, k2: 9, k3: 0 });
    // the next delta patches what it holds now
    hub.publish([state('k1', 10)], []);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(heldValues(c.socket.messages)).toEqual({ k1: 10, k2: 9, k3: 0 });
    await hub.close();
  });

  it('takes a fresh snapshot once the cached one is older than its reuse, or an alert went out since', async () => {
    const { hub, connect, source } = hubOver();
    connect();
    hub.publish([state('k1', 8)], []);
    await vi.advanceTimersByTimeAsync(SNAPSHOT_REUSE_MS);
    const late = connect();
    expect(source.calls).toBe(2);
    expect(late.socket.messages.map((m) => m.type)).toEqual(['hello', 'snapshot']);
    const snap = late.socket.of('snapshot')[0]!;
    // numbered like the deltas, so the next patch applies to it
    expect(snap.kpis[0]!.state.value).toBe(8);
    expect(heldValues(late.socket.messages)).toEqual({ k1: 8, k2: 0, k3: 0 });
    hub.alertChanged({ key: 'r/k1/', kpi: 'k1' } as Alert);
    connect();
    expect(source.calls).toBe(3);
    await hub.close();
  });

  it('gives a KPI in a snapshot as the wire last carried it while its newer change waits for its frame', async () => {
    const { hub, connect } = hubOver();
    const a = connect();
    hub.publish([state('k1', 1)], []);
    await vi.advanceTimersByTimeAsync(0);
    hub.publish([state('k1', 2)], []); // waits for the next frame
    await vi.advanceTimersByTimeAsync(FRAME_MS + 1_000); // past the snapshot's reuse: a fresh one
    hub.publish([state('k1', 3)], []);
    const late = connect();
    expect(late.socket.of('snapshot')[0]!.kpis[0]!.state.value).toBe(2);
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    const patch = late.socket.of('delta')[0]!.kpis[0]!;
    expect(patch).toMatchObject({ id: 'k1', base: late.socket.of('snapshot')[0]!.seqs!.k1, set: { value: 3 } });
    expect(deltas(a.socket)).toEqual([{ k1: 1 }, { k1: 2 }, { k1: 3 }]);
    await hub.close();
  });

  it('sends everyone a snapshot on resync, holding the changes that had not gone out', async () => {
    const { hub, connect } = hubOver();
    const { socket } = connect();
    hub.publish([state('k1', 1)], []);
    await vi.advanceTimersByTimeAsync(0);
    hub.publish([state('k1', 2)], []);
    hub.resync();
    await vi.advanceTimersByTimeAsync(FRAME_MS);
    expect(socket.messages.map((m: ServerMessage) => m.type)).toEqual(['hello', 'snapshot', 'delta', 'snapshot']);
    expect(socket.of('snapshot')[1]!.kpis[0]!.state.value).toBe(2);
    await hub.close();
  });
});

describe('LiveHub connections', () => {
  it('pings every peer, drops (and counts) one that did not answer, and closes those let in by an ended credential', async () => {
    const { hub, metrics, connect } = hubOver();
    const quiet = connect();
    const lively = connect({ credentials: ['session:1'] });
    await vi.advanceTimersByTimeAsync(15_000);
    expect([quiet.socket.pings, lively.socket.pings]).toEqual([1, 1]);
    lively.client.alive = true; // its pong
    await vi.advanceTimersByTimeAsync(15_000);
    expect(quiet.socket.terminated).toBe(true);
    expect(lively.socket.terminated).toBe(false);
    expect(await metricValue(metrics, 'northstar_ws_unanswered_drops_total')).toBe(1);
    expect(hub.disconnect('session:1')).toBe(1);
    expect(lively.socket.closed).toEqual({ code: CREDENTIALS_ENDED_CLOSE.code, reason: CREDENTIALS_ENDED_CLOSE.reason });
    await hub.close();
  });
});
