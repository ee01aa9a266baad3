import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedToken } from '@northstar/shared';
import { CREDENTIALS_ENDED_CLOSE } from '../apps/server/src/live/hub.ts';
import { LiveTestClient } from './support/live-client.ts';
import { TEST_API_TOKEN, TEST_CONFIG, waitFor } from './support/harness.ts';
import { makeWorkspace, startCliServer, waitReady, type CliServer, type ServerWorkspace } from './support/server-process.ts';

/**
 * The live wall with its sockets held by fan-out worker processes (issue 16.6), in a real
 * server process with sign-in on: what the main process decides about a connection (which
 * KPIs a kiosk link sees, that revoking a credential ends its connections, what a resume
 * replays) must hold for a socket another process holds, and a worker killed with -9 costs
 * its clients a reconnect, not their updates.
 */
const WORKERS = 2;
const CONFIG = `${TEST_CONFIG}
boards:
  - { id: ops-room, name: Ops room, kpis: [orders, revenue] }
`;

let ws: ServerWorkspace;
let server: CliServer;
const open: LiveTestClient[] = [];

beforeAll(async () => {
  ws = makeWorkspace(CONFIG);
  server = await startCliServer(ws, {
    NORTHSTAR_AUTH: 'on',
    NORTHSTAR_API_TOKEN: TEST_API_TOKEN,
    NORTHSTAR_LIVE_WORKERS: String(WORKERS),
    LOG_LEVEL: 'warn',
  });
  await waitReady(server);
  await waitFor(() => (workerPids().length === WORKERS ? true : undefined), 'the fan-out workers');
}, 90_000);

afterAll(async () => {
  for (const c of open.splice(0)) await c.close();
  await server?.terminate();
  ws?.remove();
});

const admin = { authorization: `Bearer ${TEST_API_TOKEN}` };

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { ...admin, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function created(path: string, body: unknown): Promise<CreatedToken> {
  const res = await api('POST', path, body);
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedToken;
}

async function post(metricName: string, value: number): Promise<void> {
  const res = await api('POST', '/api/v1/events', [{ metric: metricName, value, ts: Date.now() }]);
  expect(res.status).toBe(202);
}

async function connect(query: Record<string, string>, into?: LiveTestClient): Promise<LiveTestClient> {
  const client = await LiveTestClient.connect(server.url, { query, resume: into !== undefined, into });
  if (!into) open.push(client);
  return client;
}

/** The orders KPI as the API shows it. */
async function orders(): Promise<{ state: { value: number } }> {
  return (await (await api('GET', '/api/v1/kpis/orders')).json()) as { state: { value: number } };
}

/** One counter from /metrics (which needs a credential with sign-in on). */
async function counter(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: admin })).text();
  const sel = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(name) && sel.every((s) => l.includes(s)) && !l.startsWith(`${name}_`));
  if (!line) throw new Error(`${name} ${JSON.stringify(labels)} not in /metrics`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

const hasSnapshot = (c: LiveTestClient) => (c.messages.some((m) => m.type === 'snapshot') ? true : undefined);

/** The server's fan-out workers: its child processes running the worker entry. */
function workerPids(): number[] {
  const children = readFileSync(`/proc/${server.pid}/task/${server.pid}/children`, 'utf8').trim();
  return children
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('socket-worker');
      } catch {
        return false; // exited meanwhile
      }
    });
}

describe('live fan-out through worker processes, signed in', () => {
  it('sends a kiosk link its board only, and closes a kiosk or token connection once its credential is revoked', async () => {
    const reader = await created('/api/v1/auth/tokens', { name: 'wall-reader', scopes: ['read'] });
    const kioskToken = await created('/api/v1/auth/kiosk-tokens', { board: 'ops-room' });
    const wall = await connect({ token: reader.token });
    const kiosk = await connect({ kiosk: kioskToken.token });
    await waitFor(() => (hasSnapshot(wall) && hasSnapshot(kiosk) ? true : undefined), 'the snapshots');
    expect([...kiosk.states.keys()].sort()).toEqual(['orders', 'revenue']);
    // asking for more does not widen it
    kiosk.send({ type: 'subscribe', kpis: ['basket', 'latency-p95'] });
    await post('test.revenue', 30);
    await waitFor(
      () => (wall.states.get('basket')?.value === 30 && kiosk.states.get('revenue')?.value === 30 ? true : undefined),
      'the updates on both',
    );
    await new Promise((r) => setTimeout(r, 300)); // a frame still on its way would show here
    expect([...new Set(kiosk.updatedIds)].filter((id) => id !== 'orders' && id !== 'revenue')).toEqual([]);
    expect([...kiosk.states.keys()].sort()).toEqual(['orders', 'revenue']);

    // revoking the kiosk link closes its connection (held by a worker) with the credentials-ended code, and only it
    expect((await api('DELETE', `/api/v1/auth/kiosk-tokens/${kioskToken.id}`)).status).toBe(204);
    await waitFor(() => kiosk.closed, 'the kiosk closed', 10_000);
    expect(kiosk.closed).toEqual({ code: CREDENTIALS_ENDED_CLOSE.code, reason: CREDENTIALS_ENDED_CLOSE.reason });
    await post('test.orders', 1);
    await waitFor(() => (wall.states.get('orders')?.value === 1 ? true : undefined), 'the wall still updated');
    expect(wall.closed).toBeUndefined();
    await expect(connect({ kiosk: kioskToken.token })).rejects.toThrow(/401/);

    // so does revoking the API token the wall connected with
    expect((await api('DELETE', `/api/v1/auth/tokens/${reader.id}`)).status).toBe(204);
    await waitFor(() => wall.closed, 'the wall closed', 10_000);
    expect(wall.closed).toEqual({ code: CREDENTIALS_ENDED_CLOSE.code, reason: CREDENTIALS_ENDED_CLOSE.reason });
    expect(wall.gaps + wall.duplicates + kiosk.gaps + kiosk.duplicates).toBe(0);
  });

  it('replays what a client missed when it resumes, without a snapshot', async () => {
    const reader = await created('/api/v1/auth/tokens', { name: 'resumer', scopes: ['read'] });
    const client = await connect({ token: reader.token });
    await waitFor(() => hasSnapshot(client), 'the snapshot');
    const replaysBefore = await counter('northstar_ws_resumes_total', { outcome: 'replay' }).catch(() => 0);
    await post('test.revenue', 500);
    await waitFor(() => (client.states.get('basket-max')?.value === 500 ? true : undefined), 'the first update');
    await client.close();
    await post('test.revenue', 700);
    await post('test.orders', 1);
    await new Promise((r) => setTimeout(r, 600)); // evaluated and journalled while the client is away
    const before = client.messages.length;
    await connect({ token: reader.token }, client);
    client.resume();
    await waitFor(
      async () =>
        client.states.get('basket-max')?.value === 700 && client.states.get('orders')?.value === (await orders()).state.value
          ? true
          : undefined,
      'the replay',
    );
    expect(client.messages.slice(before).map((m) => m.type)).not.toContain('snapshot');
    expect(await counter('northstar_ws_resumes_total', { outcome: 'replay' })).toBe(replaysBefore + 1);
    expect(client.gaps + client.duplicates).toBe(0);
  });

  it('a worker killed with SIGKILL: its clients see the close, reconnect and keep receiving; the others never notice; it is replaced and counted', async () => {
    const reader = await created('/api/v1/auth/tokens', { name: 'crash-walls', scopes: ['read'] });
    const clients: LiveTestClient[] = [];
    for (let i = 0; i < 2 * WORKERS; i++) clients.push(await connect({ token: reader.token }));
    await waitFor(() => (clients.every(hasSnapshot) ? true : undefined), 'the snapshots');
    await post('test.orders', 1);
    const shown = (await orders()).state.value;
    await waitFor(() => (clients.every((c) => c.states.get('orders')?.value === shown) ? true : undefined), 'the update on every wall');
    expect(await counter('northstar_ws_worker_restarts_total')).toBe(0);

    const pids = workerPids();
    expect(pids).toHaveLength(WORKERS);
    process.kill(pids[0]!, 'SIGKILL');
    // connections go to the least loaded worker: half of them were on the one killed
    await waitFor(
      () => (clients.filter((c) => c.closed).length === WORKERS ? true : undefined),
      'the killed worker’s clients closed',
      10_000,
    );
    const dropped = clients.filter((c) => c.closed);
    const kept = clients.filter((c) => !c.closed);
    for (const c of dropped) expect(c.closed?.code).toBe(1006); // no close frame: the process holding the socket is gone
    expect(await counter('northstar_ws_worker_restarts_total')).toBe(1);
    await waitFor(() => {
      const now = workerPids();
      return now.length === WORKERS && !now.includes(pids[0]!) ? true : undefined;
    }, 'a replacement worker');

    await post('test.orders', 1); // while the dropped walls are away
    const missed = await waitFor(async () => {
      const want = (await orders()).state.value;
      return want > shown && kept.every((c) => c.states.get('orders')?.value === want) ? want : undefined;
    }, 'the walls on the surviving worker updated');
    for (const c of dropped) {
      const before = c.messages.length;
      await connect({ token: reader.token }, c);
      c.resume();
      await waitFor(() => (c.states.get('orders')?.value === missed ? true : undefined), 'the missed update, replayed');
      expect(c.messages.slice(before).map((m) => m.type)).not.toContain('snapshot');
    }
    await post('test.orders', 1);
    await waitFor(async () => {
      const want = (await orders()).state.value;
      return want > missed && clients.every((c) => c.states.get('orders')?.value === want && !c.closed) ? true : undefined;
    }, 'every wall, reconnected or not, at the latest count');
    for (const c of clients) expect(c.gaps + c.duplicates).toBe(0);
    expect(await counter('northstar_ws_worker_restarts_total')).toBe(1);
  });
});
