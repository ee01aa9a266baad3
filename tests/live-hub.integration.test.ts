import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KpiState, SeriesPoint, ServerMessage } from '@northstar/shared';
import type { LiveAccess } from '../apps/server/src/live/access.ts';
import { ABUSE_CLOSE, CLIENT_ABUSE_LIMIT } from '../apps/server/src/live/client-guard.ts';
import { CREDENTIALS_ENDED_CLOSE, LiveHub, SLOW_CLIENT_CLOSE } from '../apps/server/src/live/hub.ts';
import { createMetrics } from '../apps/server/src/observe/metrics.ts';
import { LiveTestClient } from './support/live-client.ts';
import { waitFor } from './support/harness.ts';

/** The hub on a real socket in this process, with small limits and a model made of many KPIs. */
const KPIS = Array.from({ length: 100 }, (_, i) => `k${i}`);

function stateOf(id: string, value: number): KpiState {
  return {
    id,
    value,
    target: 100,
    targetLow: null,
    targetHigh: null,
    expected: null,
    period: null,
    attainment: value,
    status: 'on_track',
    previous: null,
    lastEventTs: Date.now(),
    evaluatedAt: Date.now(),
  };
}

const KIOSK: LiveAccess = { kpis: new Set(['k1', 'k2']), objectives: new Set() };

const running: Array<{ hub: LiveHub; http: Server; timer?: NodeJS.Timeout }> = [];

/** Sockets held by the hub's process (0), or handed to a fan-out worker process (1): every test below runs both ways. */
const mode = { workers: 0 };

async function startHub(opts: { maxBufferedBytes?: number; slowClientGraceMs?: number } = {}) {
  const metrics = createMetrics();
  const hub = new LiveHub({
    snapshot: () => ({
      type: 'snapshot',
      serverTime: Date.now(),
      objectives: [],
      kpis: KPIS.map((id) => ({
        definition: { id, name: id, metric: 'm', aggregation: 'sum', window: '1h' } as never,
        state: stateOf(id, 0),
        spark: [],
      })),
      goals: [],
      alerts: [],
    }),
    serverVersion: 'test',
    frameIntervalMs: 20,
    heartbeatIntervalMs: 60_000,
    maxBufferedBytes: opts.maxBufferedBytes ?? 1024 * 1024,
    slowClientGraceMs: opts.slowClientGraceMs,
    kpisUnder: (objective) => (objective === 'first-ten' ? KPIS.slice(0, 10) : []),
    metrics,
    workers: mode.workers,
  });
  const http = createServer();
  // under /kiosk/ a connection is let in as a kiosk link is: two KPIs only, closed when its share ends
  http.on('upgrade', (req, socket, head) =>
    req.url?.startsWith('/kiosk/') ? hub.handleUpgrade(req, socket, head, KIOSK, ['share:tv']) : hub.handleUpgrade(req, socket, head),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const entry: { hub: LiveHub; http: Server; timer?: NodeJS.Timeout } = { hub, http };
  running.push(entry);
  return { hub, metrics, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, entry };
}

/**
 * Every KPI changes, with a whole new sparkline of random points, every 10 ms: several MB/s to
 * each client even compressed (frames are deflated for clients that offer it, as this one does).
 */
function flood(hub: LiveHub): NodeJS.Timeout {
  let n = 0;
  return setInterval(() => {
    n += 1;
    const spark = (): SeriesPoint[] => Array.from({ length: 60 }, (_, i) => [Date.now() + i, Math.random() * 1e6]);
    hub.publish(
      KPIS.map((id) => stateOf(id, n)),
      KPIS.map((id) => ({ id, points: spark() })),
    );
  }, 10);
}

afterEach(async () => {
  for (const r of running.splice(0)) {
    clearInterval(r.timer);
    await r.hub.close();
    r.http.closeAllConnections();
    await new Promise((resolve) => r.http.close(resolve));
  }
});

describe.each([0, 1])('with %i fan-out worker processes', (workers) => {
  beforeEach(() => {
    mode.workers = workers;
  });

  describe('slow clients', () => {
    it('disconnects a client that stops reading with 4008 within the grace period, and keeps a reading one', async () => {
      const graceMs = 1_000;
      const { hub, metrics, url, entry } = await startHub({ maxBufferedBytes: 256 * 1024, slowClientGraceMs: graceMs });
      const reader = await LiveTestClient.connect(url);
      // plain frames: ws's client can stall for good when paused in the middle of inflating one (a browser never pauses)
      const sleeper = await LiveTestClient.connect(url, { deflate: false });
      await waitFor(() => (sleeper.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
      sleeper.ws.pause();
      const pausedAt = Date.now();
      entry.timer = flood(hub);

      const queued = async () => (await metrics.registry.getSingleMetric('northstar_ws_buffered_bytes')!.get()).values[0]?.value ?? 0;
      // the kernel's socket buffers fill first, then the hub's cap (the bytes it holds are on the gauge), then the grace runs out
      await waitFor(async () => ((await queued()) > 256 * 1024 ? true : undefined), 'bytes queued for the sleeper', 20_000);
      await waitFor(async () => ((await metrics.wsEvictions.get()).values[0]?.value ? true : undefined), 'an eviction', 20_000);
      const evictedAfterMs = Date.now() - pausedAt;
      sleeper.ws.resume(); // read what is left: the close frame is behind it
      await waitFor(() => sleeper.closed, 'the close', 5_000);
      expect(sleeper.closed).toEqual({ code: SLOW_CLIENT_CLOSE.code, reason: SLOW_CLIENT_CLOSE.reason });
      expect(evictedAfterMs).toBeGreaterThanOrEqual(graceMs);
      expect(evictedAfterMs).toBeLessThan(graceMs + 10_000);
      expect(reader.closed).toBeUndefined();
      expect(hub.clientCount).toBe(1);
      // its buffer went with it
      expect(await queued()).toBeLessThan(256 * 1024);
      const frames = reader.messages.filter((m) => m.type === 'delta').length;
      await new Promise((r) => setTimeout(r, 200));
      expect(reader.messages.filter((m) => m.type === 'delta').length).toBeGreaterThan(frames);
      expect(reader.duplicates).toBe(0);
      expect(reader.gaps).toBe(0);
    });
  });

  describe('subscriptions', () => {
    it('sends a subscribed client only its KPIs, and a client that never subscribed everything', async () => {
      const { hub, url } = await startHub();
      const all = await LiveTestClient.connect(url);
      const some = await LiveTestClient.connect(url);
      some.send({ type: 'subscribe', kpis: ['k50'], objectives: ['first-ten'] });
      await new Promise((r) => setTimeout(r, 100));
      hub.publish(
        KPIS.map((id) => stateOf(id, 7)),
        [],
      );
      await waitFor(
        () => (some.messages.some((m) => m.type === 'delta') && all.messages.some((m) => m.type === 'delta') ? true : undefined),
        'deltas',
      );
      const ids = (c: LiveTestClient) => [...c.updatedIds].sort();
      expect(ids(some)).toEqual([...KPIS.slice(0, 10), 'k50'].sort());
      expect(ids(all)).toEqual([...KPIS].sort());
      expect(some.states.get('k3')?.value).toBe(7);
      expect(some.duplicates + all.duplicates).toBe(0);
    });

    it('follows a view from a board to another and to everything: nothing outside the board, KPIs new to it whole', async () => {
      const { hub, url } = await startHub();
      const tv = await LiveTestClient.connect(url);
      await waitFor(() => (tv.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
      tv.send({ type: 'subscribe', boards: [{ id: 'ops', kpis: ['k1', 'k2'] }] });
      await new Promise((r) => setTimeout(r, 50));
      hub.publish(
        KPIS.map((id) => stateOf(id, 1)),
        [],
      );
      await waitFor(() => (tv.updatedIds.length >= 2 ? true : undefined), 'the board updates');
      await new Promise((r) => setTimeout(r, 100));
      expect([...tv.updatedIds].sort()).toEqual(['k1', 'k2']);

      // the next board: subscribe to it, then leave the first; k3 was missed, so it comes whole at once
      const before = tv.messages.length;
      tv.send({ type: 'subscribe', boards: [{ id: 'growth', kpis: ['k2', 'k3'] }] });
      tv.send({ type: 'unsubscribe', boards: [{ id: 'ops', kpis: [] }] });
      const catchUp = await waitFor(() => tv.messages.slice(before).find((m) => m.type === 'delta'), 'the catch-up');
      expect(catchUp.type === 'delta' && catchUp.kpis.map((k) => [k.id, k.base, k.state?.value])).toEqual([['k3', undefined, 1]]);
      const seen = tv.updatedIds.length;
      hub.publish(
        KPIS.map((id) => stateOf(id, 2)),
        [],
      );
      await waitFor(() => (tv.updatedIds.length >= seen + 2 ? true : undefined), 'the second board updates');
      await new Promise((r) => setTimeout(r, 100));
      expect(tv.updatedIds.slice(seen).sort()).toEqual(['k2', 'k3']);

      // back to the wall: everything, the KPIs it missed whole, then patches for all
      const beforeAll = tv.messages.length;
      tv.send({ type: 'subscribe', all: true });
      tv.send({ type: 'unsubscribe', boards: [{ id: 'growth', kpis: [] }] });
      const allCatchUp = await waitFor(() => tv.messages.slice(beforeAll).find((m) => m.type === 'delta'), 'the catch-up of everything');
      expect(allCatchUp.type === 'delta' && allCatchUp.kpis.length).toBe(KPIS.length - 2);
      hub.publish(
        KPIS.map((id) => stateOf(id, 3)),
        [],
      );
      await waitFor(() => ([...tv.states.values()].every((s) => s.value === 3) ? true : undefined), 'every KPI at 3');
      expect(tv.gaps + tv.duplicates).toBe(0);
    });
  });

  describe('compact deltas', () => {
    it('sends only the fields and sparkline points that changed, and the client ends up with what was published', async () => {
      const { hub, url } = await startHub();
      const client = await LiveTestClient.connect(url);
      await waitFor(() => (client.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
      const spark = (from: number): SeriesPoint[] => Array.from({ length: 60 }, (_, i) => [from + i, (from + i) * 2]);
      const first = stateOf('k1', 10);
      hub.publish([first], [{ id: 'k1', points: spark(0) }]);
      await waitFor(() => (client.updatedIds.length >= 1 ? true : undefined), 'the first update');
      const second = { ...first, value: 11, attainment: 11 };
      hub.publish([second], [{ id: 'k1', points: spark(1) }]);
      await waitFor(() => (client.updatedIds.length >= 2 ? true : undefined), 'the second update');

      const updates = client.messages.flatMap((m: ServerMessage) => (m.type === 'delta' ? m.kpis : []));
      // the first has nothing sent before it to patch: whole; the second patches the first
      expect(updates[0]).toMatchObject({ id: 'k1', state: first });
      expect(updates[1]).toEqual({
        id: 'k1',
        seq: updates[0]!.seq + 1,
        base: updates[0]!.seq,
        set: { value: 11, attainment: 11 },
        sparkPatch: { drop: 1, keep: 59, add: [[60, 120]] },
      });
      expect(client.states.get('k1')).toEqual(second);
      expect(client.sparks.get('k1')).toEqual(spark(1));
      // a client connecting now gets the same in its snapshot
      const late = await LiveTestClient.connect(url);
      await waitFor(() => (late.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
      expect(late.view().k1).toEqual(client.view().k1);
      expect(client.gaps + client.duplicates).toBe(0);
    });

    it('puts changes not yet sent into the snapshot a model change sends', async () => {
      const { hub, url } = await startHub();
      const client = await LiveTestClient.connect(url);
      await waitFor(() => (client.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
      const before = client.messages.length;
      hub.publish([stateOf('k5', 55)], []);
      hub.resync(); // before the frame holding k5 went out
      await waitFor(() => (client.messages.slice(before).some((m) => m.type === 'snapshot') ? true : undefined), 'the new snapshot');
      expect(client.states.get('k5')?.value).toBe(55);
      hub.publish([stateOf('k5', 56)], []);
      await waitFor(() => (client.states.get('k5')?.value === 56 ? true : undefined), 'the next update');
      expect(client.gaps + client.duplicates).toBe(0);
    });
  });

  describe('restricted connections and resume', () => {
    it('sends a kiosk only its KPIs, and closes it when its share is revoked, leaving the others', async () => {
      const { hub, url } = await startHub();
      const wall = await LiveTestClient.connect(url);
      const kiosk = await LiveTestClient.connect(`${url}/kiosk`);
      await waitFor(() => (kiosk.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'the kiosk snapshot');
      expect([...kiosk.states.keys()].sort()).toEqual(['k1', 'k2']);
      hub.publish(
        KPIS.map((id) => stateOf(id, 4)),
        [],
      );
      await waitFor(() => (kiosk.states.get('k2')?.value === 4 && wall.states.get('k99')?.value === 4 ? true : undefined), 'the updates');
      expect([...new Set(kiosk.updatedIds)].sort()).toEqual(['k1', 'k2']);

      expect(hub.disconnect('share:tv')).toBe(1);
      await waitFor(() => kiosk.closed, 'the kiosk closed');
      expect(kiosk.closed).toEqual({ code: CREDENTIALS_ENDED_CLOSE.code, reason: CREDENTIALS_ENDED_CLOSE.reason });
      expect(hub.clientCount).toBe(1);
      hub.publish([stateOf('k1', 5)], []);
      await waitFor(() => (wall.states.get('k1')?.value === 5 ? true : undefined), 'the wall still updated');
      expect(wall.closed).toBeUndefined();
    });

    it('replays what a client missed while it was away when it resumes', async () => {
      const { hub, url, metrics } = await startHub();
      const client = await LiveTestClient.connect(url);
      hub.publish([stateOf('k1', 1)], []);
      await waitFor(() => (client.states.get('k1')?.value === 1 ? true : undefined), 'the first update');
      await client.close();
      await waitFor(() => (hub.clientCount === 0 ? true : undefined), 'the hub to see the close');
      hub.publish([stateOf('k1', 2), stateOf('k7', 2)], []);
      await new Promise((r) => setTimeout(r, 100));
      const before = client.messages.length;
      await LiveTestClient.connect(url, { resume: true, into: client });
      client.resume();
      await waitFor(() => (client.states.get('k7')?.value === 2 && client.states.get('k1')?.value === 2 ? true : undefined), 'the replay');
      expect(client.messages.slice(before).map((m) => m.type)).not.toContain('snapshot');
      const outcomes = (await metrics.registry.getSingleMetric('northstar_ws_resumes_total')!.get()).values;
      expect(outcomes.map((v) => [v.labels.outcome, v.value])).toEqual([['replay', 1]]);
      expect(client.gaps + client.duplicates).toBe(0);
    });
  });

  describe('client messages', () => {
    it('ignores and counts junk, then closes a client that keeps sending it', async () => {
      const { metrics, url } = await startHub();
      const client = await LiveTestClient.connect(url);
      client.send('{"type":"subscribe","kpis":"nope"}');
      client.send('not json');
      await new Promise((r) => setTimeout(r, 100));
      expect(client.closed).toBeUndefined();
      for (let i = 0; i < CLIENT_ABUSE_LIMIT; i++) client.send('x'.repeat(20 * 1024));
      await waitFor(() => client.closed, 'the close');
      expect(client.closed).toEqual({ code: ABUSE_CLOSE.code, reason: ABUSE_CLOSE.reason });
      const counted = Object.fromEntries(
        (await metrics.registry.getSingleMetric('northstar_ws_client_messages_total')!.get()).values.map((v) => [
          v.labels.outcome,
          v.value,
        ]),
      );
      expect(counted).toMatchObject({ invalid: 1, malformed: 1 });
      expect(counted.oversized).toBeGreaterThanOrEqual(CLIENT_ABUSE_LIMIT - 2);
    });
  });
});

describe('a fan-out worker process that dies', () => {
  it('is noticed: its clients are forgotten and see their sockets close, it is replaced, and they reconnect and resume', async () => {
    mode.workers = 1;
    const { hub, url, metrics } = await startHub();
    const client = await LiveTestClient.connect(url);
    hub.publish([stateOf('k1', 1)], []);
    await waitFor(() => (client.states.get('k1')?.value === 1 ? true : undefined), 'the first update');
    const [pid] = hub.workerPids;
    process.kill(pid!, 'SIGKILL');
    await waitFor(() => client.closed, 'the close', 10_000);
    expect(client.closed?.code).toBe(1006); // no close frame: the process holding the socket is gone
    await waitFor(() => (hub.clientCount === 0 ? true : undefined), 'the hub to forget the client');
    expect((await metrics.registry.getSingleMetric('northstar_ws_worker_restarts_total')!.get()).values[0]?.value).toBe(1);
    hub.publish([stateOf('k1', 2)], []);
    await waitFor(() => (hub.workerPids.length === 1 && hub.workerPids[0] !== pid ? true : undefined), 'a new worker', 10_000);

    const before = client.messages.length;
    await LiveTestClient.connect(url, { resume: true, into: client });
    client.resume();
    await waitFor(() => (client.states.get('k1')?.value === 2 ? true : undefined), 'the missed update, replayed');
    expect(client.messages.slice(before).map((m) => m.type)).not.toContain('snapshot');
    hub.publish([stateOf('k1', 3)], []);
    await waitFor(() => (client.states.get('k1')?.value === 3 ? true : undefined), 'updates again');
    expect(client.gaps + client.duplicates).toBe(0);
  });
});

describe('a fan-out worker process that dies before it listens', () => {
  it('closes the connections waiting for it instead of leaving them open, and is replaced', async () => {
    mode.workers = 1;
    const { hub, url, metrics } = await startHub();
    const [pid] = hub.workerPids;
    // stopped before it could load and say it listens: upgrades wait for it
    process.kill(pid!, 'SIGSTOP');
    const waiting = LiveTestClient.connect(url).then(
      () => 'opened',
      (err: Error) => `failed: ${err.message}`,
    );
    await waitFor(() => (hub.clientCount === 0 && hub.handingOver === 1 ? true : undefined), 'the upgrade waiting for the worker');
    process.kill(pid!, 'SIGKILL');
    const outcome = await Promise.race([waiting, new Promise((r) => setTimeout(() => r('still waiting after 10 s'), 10_000))]);
    expect(outcome).toMatch(/^failed: /);
    expect(hub.handingOver).toBe(0);
    expect((await metrics.registry.getSingleMetric('northstar_ws_worker_restarts_total')!.get()).values[0]?.value).toBe(1);
    // it died at once, so its successor starts after a pause, not in a tight loop; then connections work again
    await waitFor(() => (hub.workerPids.length === 1 && hub.workerPids[0] !== pid ? true : undefined), 'a new worker', 10_000);
    const client = await LiveTestClient.connect(url);
    hub.publish([stateOf('k1', 9)], []);
    await waitFor(() => (client.states.get('k1')?.value === 9 ? true : undefined), 'an update through the new worker');
  });
});
