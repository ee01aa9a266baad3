import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { openClickHouse } from '../../apps/server/src/store/clickhouse.ts';
import { waitFor } from './harness.ts';
import { serveArgv, spawnEnv } from './serve-argv.ts';

/**
 * The server as operators run it: the real CLI (`northstar serve`) in its own process,
 * so a test can kill -9 it, SIGTERM it and start it again on the same data directory.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** One count KPI over a window wide enough to hold every event a fault test sends. */
export const FAULT_CONFIG = `
objectives:
  - { id: faults, name: Survive faults, owner: Test Owner, period: 2026-Q4 }
kpis:
  - { id: events, name: Events, objective: faults, metric: fault.events, aggregation: count, window: 1h, target: 1 }
`;
export const FAULT_METRIC = 'fault.events';

export interface ServerWorkspace {
  dataDir: string;
  configPath: string;
  remove(): void;
}

export function makeWorkspace(config = FAULT_CONFIG): ServerWorkspace {
  const root = mkdtempSync(path.join(tmpdir(), 'northstar-fault-'));
  const configPath = path.join(root, 'northstar.yaml');
  writeFileSync(configPath, config);
  return { dataDir: path.join(root, 'data'), configPath, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface CliServer {
  url: string;
  pid: number;
  exited: Promise<ServerExit>;
  /** The last few kB of its JSON log (stderr). */
  log(): string;
  /** What it printed on stdout (the URL and the sign-in lines). */
  stdout(): string;
  kill9(): Promise<ServerExit>;
  /** SIGTERM (or SIGINT), then waits for the exit (SIGKILL after `graceMs`, which the caller's assertion on the exit code will catch). */
  terminate(signal?: 'SIGTERM' | 'SIGINT', graceMs?: number): Promise<ServerExit>;
}

export async function startCliServer(ws: ServerWorkspace, env: Record<string, string>): Promise<CliServer> {
  const child: ChildProcess = spawn(process.execPath, serveArgv({ port: 0, dataDir: ws.dataDir, configPath: ws.configPath }), {
    cwd: REPO_ROOT,
    env: spawnEnv({ LOG_LEVEL: 'info', NORTHSTAR_AUTH: 'off', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (tail = (tail + chunk).slice(-16_000)));
  const exited = new Promise<ServerExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /Northstar is live at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then((e) => reject(new Error(`server exited during start-up (${e.code ?? e.signal}):\n${tail}`)));
  });
  const pid = child.pid!;
  const waitExit = async (signal: NodeJS.Signals, graceMs: number): Promise<ServerExit> => {
    if (child.exitCode !== null || child.signalCode !== null) return exited;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const e = await exited;
    clearTimeout(timer);
    return e;
  };
  return {
    url,
    pid,
    exited,
    log: () => tail,
    stdout: () => out,
    kill9: () => waitExit('SIGKILL', 10_000),
    terminate: (signal = 'SIGTERM', graceMs = 30_000) => waitExit(signal, graceMs),
  };
}

/** Polls /readyz until the store answers and the Kafka consumer has joined. */
export async function waitReady(server: CliServer, timeoutMs = 60_000): Promise<void> {
  await waitFor(async () => ((await fetch(`${server.url}/readyz`)).ok ? true : undefined), `${server.url}/readyz`, timeoutMs);
}

/** One sample (summed over labels that match) from the server's Prometheus text. */
export async function metric(server: CliServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^(\w+)(\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}

/** The count KPI's live value, from the API. */
export async function kpiCount(server: CliServer, kpi = 'events'): Promise<number | null> {
  const res = await fetch(`${server.url}/api/v1/kpis/${kpi}`);
  if (!res.ok) throw new Error(`GET /api/v1/kpis/${kpi}: ${res.status}`);
  return ((await res.json()) as { state: { value: number | null } }).state.value;
}

/** Waits until the KPI shows `want` (and fails with what it showed last if it never does). */
export async function waitForKpiCount(server: CliServer, want: number, timeoutMs = 60_000): Promise<number> {
  let last: number | null = null;
  try {
    return await waitFor(
      async () => {
        last = await kpiCount(server);
        return last === want ? last : undefined;
      },
      `KPI count ${want}`,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last value ${last}`, { cause: err });
  }
}

/**
 * Opens the store the server wrote, once the server has exited: chdb allows one
 * store per process, and the test process opens it only after the server is gone.
 */
export function openStoreAfterExit(ws: ServerWorkspace): ClickHouseClient {
  return openClickHouse({ clickhouseUrl: undefined, dataDir: ws.dataDir }).client;
}

export async function queryOne<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T> {
  const r = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  const rows = await r.json<T>();
  if (rows.length !== 1) throw new Error(`expected one row from ${query}, got ${rows.length}`);
  return rows[0]!;
}

export function kafkaClient(brokers: string): Kafka {
  return new Kafka({ clientId: 'northstar-fault-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } });
}

/** A topic and its DLQ with `partitions` partitions, named uniquely for this run. */
export async function createTopics(
  kafka: Kafka,
  prefix: string,
  partitions = 3,
): Promise<{ topic: string; dlqTopic: string; group: string }> {
  const runId = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const topic = `northstar.${prefix}.${runId}`;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [topic, `${topic}.dlq`].map((t) => ({ topic: t, numPartitions: partitions, replicationFactor: 1 })),
    });
  } finally {
    await admin.disconnect();
  }
  return { topic, dlqTopic: `${topic}.dlq`, group: `northstar-${prefix}-${runId}` };
}

/** The topics a `northstar serve` on the shared Kafka makes from its events topic (with its DLQ), for cleanup. */
export function serveTopics(topic: string): string[] {
  return [topic, `${topic}.dlq`, `${topic}.kpi-partials`, `${topic}.alert-owners`, `${topic}.ingest-verdicts`];
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteTopics({ topics, timeout: 10_000 });
  } catch {
    // cleanup must not hide the test's own failure
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** An event of the fault KPI's metric as a Kafka message, keyed by id so it spreads over partitions. */
export function eventMessage(id: string, tsMs: number): Message {
  return { key: id, value: JSON.stringify({ metric: FAULT_METRIC, value: 1, ts: tsMs, id }) };
}

/** Resident memory of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
