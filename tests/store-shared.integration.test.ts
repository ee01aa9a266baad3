import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResponse, MeResponse, SeriesResponse } from '@northstar/shared';
import { waitFor } from './support/harness.ts';
import { OidcBrowser } from './support/oidc-browser.ts';
import { oidcEnv, startTestProvider, type TestProvider } from './support/oidc-provider.ts';
import { FAULT_METRIC, waitReady, type CliServer } from './support/server-process.ts';
import { startSharedStore, type SharedStore } from './support/shared-store.ts';
import type { StoreProcess } from './support/store-process.ts';

/**
 * Two `northstar serve` instances sharing one `northstar store` through CLICKHOUSE_URL, as
 * several instances share a ClickHouse server: events posted to either are stored once, a
 * batch retried against the other instance is not stored twice, and both instances'
 * history API gives what a direct count from the store gives; a single sign-on started on one
 * instance finishes on the other. Auth is on, with a machine token.
 */
const TOKEN = 'shared-store-test-token-0123456789';
const HOUR = 3_600_000;
let shared: SharedStore | undefined;
let store: StoreProcess;
let provider: TestProvider;
/** The address a load balancer in front of both instances would have: the provider sends browsers back there. */
let publicCallback: string;
let instances: CliServer[] = [];

/** A loopback port nothing listens on (the load balancer is played by the test). */
async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise((resolve) => s.close(resolve));
  return port;
}

beforeAll(async () => {
  provider = await startTestProvider({
    alice: {
      password: 'alice-secret-pass',
      claims: { preferred_username: 'alice', email: 'alice@example.com', name: 'Alice', groups: ['wall-editors'] },
    },
  });
  publicCallback = `http://127.0.0.1:${await unusedPort()}/api/v1/auth/oidc/callback`;
  provider.register(publicCallback);
  shared = await startSharedStore('northstar-shared', 'shared-store-password');
  ({ store, instances } = shared);
  const env = {
    NORTHSTAR_AUTH: 'on',
    NORTHSTAR_API_TOKEN: TOKEN,
    ...oidcEnv(provider),
    NORTHSTAR_OIDC_REDIRECT_URI: publicCallback,
  };
  // one after the other, as an operator starts them: the first migrates the shared store
  for (const name of ['a', 'b']) {
    await waitReady(await shared.startInstance(name, env));
  }
}, 120_000);

afterAll(async () => {
  await shared?.stop();
  await provider?.stop();
});

const auth = { Authorization: `Bearer ${TOKEN}` };

async function post(server: CliServer, events: object[]): Promise<IngestResponse> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  // 202: accepted, written within the flush interval
  expect(res.status).toBe(202);
  return (await res.json()) as IngestResponse;
}

async function storedCount(fromMs: number, toMs: number): Promise<number> {
  const r = await store.client().query({
    query: `SELECT count() AS n FROM events WHERE metric = {m:String} AND ts >= fromUnixTimestamp64Milli({f:Int64}) AND ts < fromUnixTimestamp64Milli({t:Int64})`,
    query_params: { m: FAULT_METRIC, f: fromMs, t: toMs },
    format: 'JSONEachRow',
  });
  return Number((await r.json<{ n: string }>())[0]!.n);
}

describe('two instances on one northstar store', () => {
  it('stores every event once and both histories agree with the store', async () => {
    // whole hours in the past, the events well inside them: no bucket edge is in doubt
    const t0 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    const event = (i: number) => ({
      metric: FAULT_METRIC,
      value: 1,
      id: `shared-${i}`,
      ts: new Date(t0 + 5 * 60_000 + i * 997).toISOString(),
    });
    const toA = Array.from({ length: 700 }, (_, i) => event(i));
    const toB = Array.from({ length: 500 }, (_, i) => event(700 + i));
    const secondHour = Array.from({ length: 300 }, (_, i) => ({
      ...event(1200 + i),
      ts: new Date(t0 + HOUR + 10 * 60_000 + i * 1000).toISOString(),
    }));
    const [a, b] = [instances[0]!, instances[1]!];
    const [ra, rb, rc] = await Promise.all([post(a, toA), post(b, toB), post(a, secondHour)]);
    expect(ra.accepted + rb.accepted + rc.accepted).toBe(1500);
    const total = await waitFor(
      async () => ((await storedCount(t0, t0 + 2 * HOUR)) === 1500 ? 1500 : undefined),
      'all 1500 events stored',
      60_000,
    );
    expect(total).toBe(1500);

    // a producer whose request to A timed out retries the batch against B: nothing is stored twice
    const retried = await post(b, toA.slice(0, 200));
    expect(retried.accepted).toBe(200);
    // the retry is acknowledged; give B the time it takes to write anything it meant to
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await storedCount(t0, t0 + 2 * HOUR)).toBe(1500);

    const hourOne = await storedCount(t0, t0 + HOUR);
    const hourTwo = await storedCount(t0 + HOUR, t0 + 2 * HOUR);
    expect([hourOne, hourTwo]).toEqual([1200, 300]);
    const from = new Date(t0).toISOString();
    const to = new Date(t0 + 2 * HOUR).toISOString();
    const series = await Promise.all(
      [a, b].map(async (s) => {
        const res = await fetch(`${s.url}/api/v1/kpis/events/series?from=${from}&to=${to}&step=1h`, { headers: auth });
        expect(res.status).toBe(200);
        return ((await res.json()) as SeriesResponse).points.map((p) => [p[0], p[1]]);
      }),
    );
    expect(series[0]).toEqual(series[1]);
    // each point is the KPI (a count over 1 h) for the hour that ends at it
    const values = new Map(series[0]!.map(([t, v]) => [t, v]));
    expect(values.get(t0 + HOUR)).toBe(hourOne);
    expect(values.get(t0 + 2 * HOUR)).toBe(hourTwo);
    // nothing in URL mode failed on the way (a query the store refused, a write retried)
    for (const s of [a, b])
      expect(
        s
          .log()
          .split('\n')
          .filter((l) => /"level":(50|60)/.test(l)),
      ).toEqual([]);
  });
});

describe('single sign-on across instances', () => {
  it('finishes on instance B a sign-in started on instance A, once', async () => {
    const [a, b] = [instances[0]!, instances[1]!];
    const browser = new OidcBrowser();
    const start = await browser.fetch(`${a.url}/api/v1/auth/oidc/start?next=/kpi/events`);
    expect(start.status).toBe(302);
    const flowCookie = browser.cookie(new URL(a.url).host, 'northstar_oidc');
    expect(flowCookie).toBeDefined();
    const back = new URL(await browser.throughProvider(start.headers.get('location')!, 'alice', 'alice-secret-pass', publicCallback));
    // the load balancer sends the provider's answer to B; the browser's cookie for the site goes with it
    const hostB = new URL(b.url).host;
    browser.setCookie(hostB, 'northstar_oidc', flowCookie!);
    const done = await browser.fetch(`${b.url}${back.pathname}${back.search}`);
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/#/kpi/events');
    const session = browser.cookie(hostB, 'northstar_session');
    expect(session).toBeDefined();
    // the session is in the shared store: both instances know it
    for (const s of [a, b]) {
      const me = await fetch(`${s.url}/api/v1/auth/me`, { headers: { cookie: `northstar_session=${session}` } });
      expect((await me.json()) as MeResponse).toMatchObject({ user: { name: 'alice', role: 'editor' } });
    }
    // the same answer again, on A this time: the flow was used, so it is refused with the reason
    browser.setCookie(new URL(a.url).host, 'northstar_oidc', flowCookie!);
    const replay = await browser.fetch(`${a.url}${back.pathname}${back.search}`);
    expect(replay.headers.get('location')).toMatch(/^\/#\/login\?sso_error=.*not%20started%20in%20this%20browser/);
  });
});
