import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { MeResponse } from '@northstar/shared';
import { expect } from 'vitest';
import { parseKpiConfig, type KpiModel } from '../../apps/server/src/config/kpi-file.ts';
import { loadSettings, type Settings } from '../../apps/server/src/config/settings.ts';
import { startServer, type RunningServer } from '../../apps/server/src/server.ts';

export interface TestServer extends RunningServer {
  dataDir: string;
  settings: Settings;
  /** The config file the server was started with; `model` is the live model service. */
  configFile: KpiModel;
  stop(): Promise<void>;
}

/** A small model every integration test can reason about. */
export const TEST_CONFIG = `
objectives:
  - id: sales
    name: Sell more
    owner: Test Owner
    period: 2026-Q4
kpis:
  - { id: orders, name: Orders, objective: sales, metric: test.orders, aggregation: count, window: 1h, unit: orders, target: 100 }
  - { id: revenue, name: Revenue, objective: sales, metric: test.revenue, aggregation: sum, window: 1h, unit: €, target: 1000 }
  - { id: basket, name: Basket, objective: sales, metric: test.revenue, aggregation: avg, window: 1h, unit: €, target: 50 }
  - { id: basket-min, name: Smallest basket, objective: sales, metric: test.revenue, aggregation: min, window: 1h, target: 1 }
  - { id: basket-max, name: Largest basket, objective: sales, metric: test.revenue, aggregation: max, window: 1h, target: 500 }
  - { id: latency-p95, name: Latency p95, objective: sales, metric: test.latency, aggregation: p95, window: 1h, unit: ms, direction: lower_is_better, target: 300 }
  - { id: revenue-rate, name: Revenue rate, objective: sales, metric: test.revenue, aggregation: rate, window: 1h, unit: €/s, target: 1 }
`;

/**
 * Retention off at every level: for tests that store history at fixed dates. The default
 * (raw events 120 days, minute rollups 400) would have the store drop those rows, even as they
 * are inserted, once the dates are that old, so the test would fail from some day on.
 */
export const KEEP_HISTORY_ENV: Readonly<Record<string, string>> = {
  RAW_RETENTION_DAYS: '0',
  ROLLUP_MINUTE_RETENTION_DAYS: '0',
  ROLLUP_HOUR_RETENTION_DAYS: '0',
  ROLLUP_DAY_RETENTION_DAYS: '0',
};

export interface TestServerOptions {
  env?: Record<string, string>;
  config?: string;
  webDir?: string;
}

/** Starts a real server (real chdb in a fresh directory) on a free loopback port. */
export async function startTestServer(overrides: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-test-'));
  // auth is on by default in the product; tests that are not about it (that set no auth variable) run without it
  const aboutAuth = Object.keys(overrides.env ?? {}).some((k) => k === 'NORTHSTAR_AUTH' || k === 'NORTHSTAR_API_TOKEN');
  const env = { ...(aboutAuth ? {} : { NORTHSTAR_AUTH: 'off' }), ...overrides.env };
  const settings = {
    ...loadSettings({ port: '0', host: '127.0.0.1', dataDir }, env),
    ...(overrides.webDir ? { webDir: overrides.webDir } : {}),
  };
  const configFile = parseKpiConfig(overrides.config ?? TEST_CONFIG, 'test.yaml');
  return launch(dataDir, settings, configFile);
}

async function launch(dataDir: string, settings: Settings, configFile: KpiModel): Promise<TestServer> {
  const server = await startServer(settings, configFile, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  return {
    ...server,
    dataDir,
    settings,
    configFile,
    stop: async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Closes the server and starts it again on the same data directory, settings and config: what a restart keeps. */
export async function restartTestServer(server: TestServer): Promise<TestServer> {
  await server.close();
  return launch(server.dataDir, server.settings, server.configFile);
}

/** `n` events of `metric` with value 1 and no time (now), posted at once: enough to cross a count rule's threshold. */
export function burst(metric: string, n: number): Array<{ metric: string; value: number }> {
  return Array.from({ length: n }, () => ({ metric, value: 1 }));
}

/**
 * A token for the test's own calls when auth is on (NORTHSTAR_API_TOKEN: the admin scope), the
 * way a producer or a script reaches a server that requires sign-in.
 */
export const TEST_API_TOKEN = 'northstar-e2e-token-0123456789abcdef';

/** Settings that turn sign-in on, as in production, with TEST_API_TOKEN for the test's own calls. */
export const AUTH_ON_ENV: Readonly<Record<string, string>> = { NORTHSTAR_AUTH: 'on', NORTHSTAR_API_TOKEN: TEST_API_TOKEN };

/** fetch() against the server, with its API token when it has one (auth on); other headers as given. */
export function apiFetch(server: Pick<TestServer, 'url' | 'settings'>, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (server.settings.apiToken && !headers.has('authorization')) headers.set('authorization', `Bearer ${server.settings.apiToken}`);
  return fetch(`${server.url}${path}`, { ...init, headers });
}

/** Polls until `check` returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/** The value KPI `kpi` shows over the API now. */
export async function shownValue(server: TestServer, kpi: string): Promise<number | null> {
  const res = await apiFetch(server, `/api/v1/kpis/${kpi}`);
  return ((await res.json()) as { state: { value: number | null } }).state.value;
}

/** How many events of `metric` the store holds. */
export async function storedEvents(server: TestServer, metric: string): Promise<number> {
  const r = await server.clickhouse.query({
    query: 'SELECT count() AS n FROM events WHERE metric = {metric:String}',
    query_params: { metric },
    format: 'JSONEachRow',
  });
  return Number((await r.json<{ n: string }>())[0]!.n);
}

/** Posts events as NDJSON, the way a producer does, and expects them accepted. */
export async function postEvents(server: TestServer, events: unknown[]): Promise<void> {
  const res = await apiFetch(server, '/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(res.status).toBe(202);
}

/** Signs in over the API (the bootstrap admin unless told) and expects it to work: the session cookie and CSRF token a tab holds. */
export async function loginSession(
  server: TestServer,
  username = 'admin',
  password = server.bootstrap!.password,
): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const me = (await res.json()) as Extract<MeResponse, { user: unknown }>;
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: me.csrfToken };
}
