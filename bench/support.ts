/**
 * Shared pieces of the ingest benchmarks: a realistic event generator, a Northstar
 * server in its own process (so the load generator does not share its event loop or
 * its cores' accounting), and readings of that process from /proc and /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MetricEvent } from '@northstar/shared';
import { seededRng } from '../apps/server/src/demo/generator.ts';
import { serveArgv } from '../tests/support/serve-argv.ts';
import type { BaselineResult } from './engine-baseline.ts';

/** The repository root: the server is started from here, as `pnpm northstar` would. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '..');

// ---------------------------------------------------------------- options

/** `--name value` / `--name=value` on the command line wins over BENCH_NAME in the environment, which wins over the default. */
export function numberOption(name: string, fallback: number, argv: string[] = process.argv.slice(2)): number {
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) raw = argv[i + 1];
    else if (a.startsWith(`--${name}=`)) raw = a.slice(name.length + 3);
  }
  raw ??= process.env[`BENCH_${name.toUpperCase().replaceAll('-', '_')}`];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name}: "${raw}" is not a positive number`);
  return value;
}

export function wantsHelp(): boolean {
  return process.argv.includes('--help') || process.argv.includes('-h');
}

// ---------------------------------------------------------------- events

const REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'];
const CHANNELS = ['web', 'ios', 'android', 'partner'];
const ROUTES = ['/cart', '/checkout', '/search', '/product'];

interface Stream {
  metric: string;
  weight: number;
  value: (r: () => number) => number;
  dims: (r: () => number) => Record<string, string>;
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** The demo company's metrics (those northstar.yaml has KPIs on), weighted towards the chatty ones. */
const STREAMS: Stream[] = [
  {
    metric: 'api.latency_ms',
    weight: 30,
    value: (r) => Math.round(40 + r() * 300 * 10) / 10,
    dims: (r) => ({ route: pick(r, ROUTES), region: pick(r, REGIONS) }),
  },
  { metric: 'api.errors', weight: 5, value: () => 1, dims: (r) => ({ route: pick(r, ROUTES) }) },
  { metric: 'checkout.orders', weight: 15, value: () => 1, dims: (r) => ({ region: pick(r, REGIONS), channel: pick(r, CHANNELS) }) },
  {
    metric: 'checkout.revenue',
    weight: 15,
    value: (r) => Math.round(500 + r() * 15_000) / 100,
    dims: (r) => ({ region: pick(r, REGIONS) }),
  },
  { metric: 'signup.completed', weight: 8, value: () => 1, dims: (r) => ({ channel: pick(r, CHANNELS) }) },
  { metric: 'support.csat', weight: 4, value: (r) => 1 + Math.floor(r() * 5), dims: (r) => ({ region: pick(r, REGIONS) }) },
  {
    metric: 'support.first_response_seconds',
    weight: 4,
    value: (r) => Math.round(30 + r() * 900),
    dims: (r) => ({ queue: pick(r, ['billing', 'delivery', 'account']) }),
  },
  { metric: 'support.ticket_opened', weight: 4, value: () => 1, dims: (r) => ({ region: pick(r, REGIONS) }) },
  { metric: 'delivery.on_time', weight: 8, value: (r) => (r() < 0.965 ? 100 : 0), dims: (r) => ({ region: pick(r, REGIONS) }) },
  { metric: 'payment.failed', weight: 5, value: () => 1, dims: (r) => ({ provider: pick(r, ['card', 'paypal', 'klarna']) }) },
  { metric: 'deploy.completed', weight: 2, value: () => 1, dims: (r) => ({ service: pick(r, ['web', 'api', 'payments']) }) },
];
const TOTAL_WEIGHT = STREAMS.reduce((s, x) => s + x.weight, 0);

/** Makes events as a producer would send them: one of ~10 metrics, 1–2 small dims, an id, ts = now (epoch ms). */
export function eventFactory(runId: string, seed = 42): (nowMs: number) => MetricEvent {
  const r = seededRng(seed);
  let seq = 0;
  return (nowMs) => {
    let w = r() * TOTAL_WEIGHT;
    let s = STREAMS[0]!;
    for (const x of STREAMS) {
      if ((w -= x.weight) < 0) {
        s = x;
        break;
      }
    }
    return { metric: s.metric, value: s.value(r), ts: nowMs, id: `${runId}-${++seq}`, dims: s.dims(r) };
  };
}

// ---------------------------------------------------------------- the server process

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  dataDir: string;
  spawnedAt: number;
  /** Last lines the server wrote to stderr (warn and above), for when something goes wrong. */
  stderrTail(): string;
  /** SIGTERM, wait for the exit (SIGKILL after `graceMs`), remove the temporary directory. */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stopMs: number }>;
}

/** Extra flags for the server's node, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (not allowed in NODE_OPTIONS). */
function serverNodeArgs(): string[] {
  return (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a.length > 0);
}

/**
 * `node --import tsx apps/server/src/cli.ts serve` from the repository root (or `root`, another
 * checkout), on a free loopback port, with a fresh data directory and as the config `configYaml`
 * or else a copy of northstar.yaml (the demo company's KPIs, so the evaluator does its real work).
 */
export async function spawnServer(
  env: Record<string, string> = {},
  { configYaml, root = REPO_ROOT }: { configYaml?: string; root?: string } = {},
): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-bench-'));
  const config = path.join(dataDir, 'northstar.yaml');
  if (configYaml === undefined) copyFileSync(path.join(REPO_ROOT, 'northstar.yaml'), config);
  else writeFileSync(config, configYaml);
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...serverNodeArgs(), ...serveArgv({ port, dataDir: path.join(dataDir, 'data'), configPath: config })],
    {
      cwd: root,
      // benchmarks measure the pipeline, not sign-in
      env: { ...process.env, LOG_LEVEL: 'warn', NORTHSTAR_AUTH: 'off', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const spawnedAt = performance.now();
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    }),
  );
  const stop = async (graceMs = 30_000) => {
    const started = performance.now();
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    return { ...exited!, stopMs: performance.now() - started };
  };
  // so a crash or Ctrl-C of the bench does not leave a server behind
  process.once('exit', () => {
    if (!exited) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });
  if (child.pid === undefined) {
    await stop();
    throw new Error('could not spawn the server');
  }
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, child, dataDir, spawnedAt, stderrTail: () => tail, stop };
}

/** Polls /readyz until it answers 200; fails early when the process exits. */
export async function waitReady(server: ServerProcess, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`server exited (${server.child.exitCode ?? server.child.signalCode}) before it was ready:\n${server.stderrTail()}`);
    }
    try {
      const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now();
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`server not ready after ${timeoutMs} ms:\n${server.stderrTail()}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- /metrics

export interface ServerMetrics {
  stored: Record<string, number>;
  received: Record<string, number>;
  rejected: Record<string, number>;
  insertCount: number;
  insertRowsSum: number;
  insertSecondsSum: number;
  /** Id checks against the store before inserts (batches holding events with ids). */
  idCheckCount: number;
  idCheckSecondsSum: number;
  /** Inserts per upper bucket bound of northstar_insert_batch_rows (not cumulative). */
  batchRowsBuckets: Array<[string, number]>;
}

function labelled(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`^${name}\\{source="([^"]+)"\\} (\\S+)$`, 'gm');
  for (const m of text.matchAll(re)) out[m[1]!] = Number(m[2]);
  return out;
}

function plain(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export async function readMetrics(url: string): Promise<ServerMetrics> {
  const res = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  const cumulative = [...text.matchAll(/^northstar_insert_batch_rows_bucket\{le="([^"]+)"\} (\S+)$/gm)].map(
    (m) => [m[1]!, Number(m[2])] as [string, number],
  );
  const batchRowsBuckets = cumulative
    .map(([le, n], i): [string, number] => [le, n - (i > 0 ? cumulative[i - 1]![1] : 0)])
    .filter(([, n]) => n > 0);
  return {
    stored: labelled(text, 'northstar_events_stored_total'),
    received: labelled(text, 'northstar_events_received_total'),
    rejected: labelled(text, 'northstar_events_rejected_total'),
    insertCount: plain(text, 'northstar_insert_batch_rows_count'),
    insertRowsSum: plain(text, 'northstar_insert_batch_rows_sum'),
    insertSecondsSum: plain(text, 'northstar_insert_seconds_sum'),
    idCheckCount: plain(text, 'northstar_ingest_id_check_seconds_count'),
    idCheckSecondsSum: plain(text, 'northstar_ingest_id_check_seconds_sum'),
    batchRowsBuckets,
  };
}

// ---------------------------------------------------------------- /proc

export function rssMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux the project runs on

/** CPU seconds (user + system) of each thread of a process, summed by thread name. */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      // the main thread runs the JS; libuv and V8 helper threads inherit the name "node"
      const name = tid === String(pid) ? 'main/JS' : stat.slice(open + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // after "pid (comm) ": state is field 3, utime 14, stime 15 → indices 11 and 12 here
      const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      out.set(name, (out.get(name) ?? 0) + cpu);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

/** Where the process spent CPU between two `threadCpu` readings: "node 9.1 s, ChdbPool 3.2 s, …" (threads that were gone by `after` are not counted). */
export function cpuBreakdown(before: Map<string, number>, after: Map<string, number>, seconds: number): { total: number; text: string } {
  const rows = [...after].map(([name, cpu]) => [name, cpu - (before.get(name) ?? 0)] as [string, number]).filter(([, d]) => d >= 0.05);
  rows.sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((s, [, d]) => s + d, 0);
  const shown = rows.slice(0, 6).map(([name, d]) => `${name} ${d.toFixed(1)} s`);
  if (rows.length > 6)
    shown.push(
      `others ${rows
        .slice(6)
        .reduce((s, [, d]) => s + d, 0)
        .toFixed(1)} s`,
    );
  return {
    total,
    text: `${total.toFixed(1)} CPU-s over ${seconds.toFixed(1)} s = ${(total / seconds).toFixed(2)} cores (${shown.join(', ')})`,
  };
}

/** 2 000 000 → "2,000,000". */
export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function describeBatches(m: ServerMetrics): string {
  if (m.insertCount === 0) return 'no inserts';
  const buckets = m.batchRowsBuckets.map(([le, n]) => `≤${le}: ${n}`).join(', ');
  const checks =
    m.idCheckCount > 0
      ? `; ${fmt(m.idCheckCount)} id checks, avg ${((m.idCheckSecondsSum / m.idCheckCount) * 1000).toFixed(0)} ms each, ${m.idCheckSecondsSum.toFixed(1)} s in id checks`
      : '; no id checks';
  return `${fmt(m.insertCount)} inserts, avg ${fmt(m.insertRowsSum / m.insertCount)} rows, avg ${((m.insertSecondsSum / m.insertCount) * 1000).toFixed(0)} ms each, ${m.insertSecondsSum.toFixed(1)} s in inserts (buckets ${buckets})${checks}`;
}

export function machineNote(): string {
  return `note: figures from a shared 2-core machine (other engineers' tests run at the same time); load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;
}

// ---------------------------------------------------------------- the bare engine, same invocation

/**
 * Runs bench/engine-baseline.ts in a child process (so its engine's memory and threads are
 * not this process's nor the server's) and returns its figures. Call it with the server
 * stopped: it measures what the machine gives the bare engine at this moment.
 */
export async function runEngineBaseline(events: number): Promise<BaselineResult> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'bench/engine-baseline.ts'), '--events', String(events), '--json'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`engine baseline exited ${code}:\n${err}`);
  return JSON.parse(out.trim().split('\n').at(-1)!) as BaselineResult;
}

/** The bare engine's figures, one line per way of inserting. */
export function describeBaseline(r: BaselineResult): string[] {
  return r.figures.map(
    (f) =>
      `  bare engine, ${f.label === 'client' ? `${fmt(f.events)} rows by client.insert JSONEachRow` : `${fmt(f.events)} rows by rawInsert of prebuilt NDJSON`}: ${fmt(f.eventsPerSecond)} events/s, ${f.cpuPerMillion.toFixed(1)} CPU-s per million events`,
  );
}

/** The product's figures beside the bare engine's, as the ratios that hold on a shared box. */
export function baselineLines(rate: number, cpuPerMillion: number, baseline: BaselineResult): string[] {
  const lines = describeBaseline(baseline);
  for (const f of baseline.figures) {
    lines.push(
      `  product / ${f.label === 'raw' ? 'raw insert' : 'client.insert'}: ${(rate / f.eventsPerSecond).toFixed(2)} of its events/s, ${(cpuPerMillion / f.cpuPerMillion).toFixed(1)}× its CPU per event`,
    );
  }
  return lines;
}
