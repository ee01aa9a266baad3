import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTestClient } from './support/live-client.ts';
import { TEST_CONFIG, waitFor } from './support/harness.ts';
import { makeWorkspace, startCliServer, waitReady, type CliServer } from './support/server-process.ts';

/**
 * Resume against a real server process, restarted mid-stream on the same data directory.
 * Each start binds port 0 and the URL is the one the process prints: a port picked in the
 * test and bound seconds later, after the store opened, could be taken meanwhile by another
 * file's server, whose /readyz this test would then have taken for its own.
 */
const ws = makeWorkspace(TEST_CONFIG);
let server: CliServer | undefined;
let baseUrl = '';

async function startServer(): Promise<void> {
  server = await startCliServer(ws, { LOG_LEVEL: 'warn' });
  baseUrl = server.url;
  await waitReady(server);
}

async function stopServer(): Promise<void> {
  await server?.terminate('SIGTERM');
}

async function post(metric: string, value: number): Promise<void> {
  const res = await fetch(`${baseUrl}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([{ metric, value, ts: Date.now() }]),
  });
  expect(res.status).toBeLessThan(300);
}

/** Posts events every 50 ms until stopped, through a restart (posts to a server that is down fail and are skipped). */
function produce(): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    for (let i = 1; running; i++) {
      await post(i % 2 ? 'test.orders' : 'test.revenue', i).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** The resumed client's state equals what a fresh client is sent (retrying while an update is in flight). */
async function expectSameAsFreshClient(client: LiveTestClient): Promise<void> {
  let last: [unknown, unknown] = [undefined, undefined];
  await waitFor(
    async () => {
      const fresh = await LiveTestClient.connect(baseUrl);
      await waitFor(() => (fresh.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
      await new Promise((r) => setTimeout(r, 300)); // both see the same frames from here
      last = [client.view(), fresh.view()];
      await fresh.close();
      return JSON.stringify(last[0]) === JSON.stringify(last[1]) ? true : undefined;
    },
    'the resumed state to equal a fresh snapshot',
    15_000,
  ).catch((err: Error) => {
    expect(last[0]).toEqual(last[1]);
    throw err;
  });
}

beforeAll(async () => {
  await startServer();
});

afterAll(async () => {
  await stopServer();
  ws.remove();
});

describe('resuming the live stream', () => {
  it('gets only the missed updates, in one frame, from the same instance', async () => {
    const client = await LiveTestClient.connect(baseUrl);
    await post('test.orders', 1);
    await waitFor(
      () => (client.messages.some((m) => m.type === 'delta' && m.kpis.some((k) => k.id === 'orders')) ? true : undefined),
      'a delta',
    );
    const had = new Map(client.seqs);
    await client.close();

    await post('test.orders', 1); // orders moves while the client is away
    await new Promise((r) => setTimeout(r, 800));
    const before = client.messages.length;
    await LiveTestClient.connect(baseUrl, { resume: true, into: client });
    client.resume();
    await waitFor(
      () => (client.messages.slice(before).some((m) => m.type === 'delta' || m.type === 'snapshot') ? true : undefined),
      'the replay',
    );

    const after = client.messages.slice(before).filter((m) => m.type !== 'heartbeat');
    expect(after[0]?.type).toBe('hello');
    const replay = after[1];
    expect(replay?.type).toBe('delta');
    if (replay?.type !== 'delta') return;
    expect(replay.replay).toBe(true);
    expect(replay.kpis.map((k) => k.id)).toContain('orders');
    for (const k of replay.kpis) {
      expect(k.seq).toBeGreaterThan(had.get(k.id) ?? 0);
      // a replay holds whole values: the client may have missed the updates a patch would build on
      expect(k.base).toBeUndefined();
    }
    expect(after.some((m) => m.type === 'snapshot')).toBe(false);
    expect(client.states.get('orders')?.value).toBe(2);
    await expectSameAsFreshClient(client);
    expect(client.duplicates).toBe(0);
    expect(client.gaps).toBe(0);
    await client.close();
  });

  it('replaces its subscriptions with the scope a resume names, and hears only of that scope', async () => {
    const client = await LiveTestClient.connect(baseUrl);
    client.send({ type: 'subscribe', kpis: ['revenue'] });
    await post('test.revenue', 5);
    await waitFor(() => (client.updatedIds.includes('revenue') ? true : undefined), 'a revenue update');
    await client.close();

    await post('test.orders', 1);
    const before = client.messages.length;
    await LiveTestClient.connect(baseUrl, { resume: true, into: client });
    client.send({
      type: 'resume',
      token: client.token!,
      seqs: Object.fromEntries(client.seqs),
      cursor: client.cursor,
      scope: { kpis: ['orders'] },
    });
    await waitFor(() => (client.messages.slice(before).some((m) => m.type === 'delta' && m.replay) ? true : undefined), 'the replay');
    const seenFrom = client.updatedIds.length;
    await post('test.revenue', 6);
    await post('test.orders', 1);
    await waitFor(() => (client.updatedIds.slice(seenFrom).includes('orders') ? true : undefined), 'an orders update');
    // revenue (and the KPIs on its metric) moved too, but the scope is orders alone now
    expect(new Set(client.updatedIds.slice(seenFrom))).toEqual(new Set(['orders']));
    expect(client.gaps + client.duplicates).toBe(0);
    await client.close();
  });

  it('gets a snapshot after the server restarted mid-stream, and ends up like a fresh client', async () => {
    const stopProducing = produce();
    const client = await LiveTestClient.connect(baseUrl);
    await waitFor(() => (client.messages.filter((m) => m.type === 'delta').length >= 3 ? true : undefined), 'a few deltas');
    const oldInstance = client.instance;

    await stopServer();
    await startServer(); // same data directory: the KPIs rebuild from the store
    const before = client.messages.length;
    await LiveTestClient.connect(baseUrl, { resume: true, into: client });
    // the token names the old instance: the hello told us of the new one, so resume with what we had
    client.send({ type: 'resume', token: `${oldInstance}.1`, seqs: { orders: 999_999 }, cursor: 999_999 });
    await waitFor(() => (client.messages.slice(before).some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
    expect(client.instance).not.toBe(oldInstance);
    const firstData = client.messages.slice(before).find((m) => m.type === 'snapshot' || m.type === 'delta');
    expect(firstData?.type).toBe('snapshot');
    await waitFor(() => (client.messages.slice(before).filter((m) => m.type === 'delta').length >= 3 ? true : undefined), 'deltas again');
    await stopProducing();
    await expectSameAsFreshClient(client);
    expect(client.duplicates).toBe(0);
    expect(client.gaps).toBe(0);
    await client.close();
  });
});
