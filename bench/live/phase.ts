/**
 * One measured phase of bench/live: fresh clients in one or more processes (clients.ts),
 * a warm-up, then --seconds of measuring while the target's RSS is sampled each second; the
 * processes' reports merged into one (their latency histograms added up).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cpuBreakdown, rssMiB, sleep, threadCpu } from '../support.ts';
import type { ClientsConfig, ClientsReport } from './clients.ts';

/** Updates flow this long before a phase is measured: connections settle, the JIT warms. */
const WARMUP_MS = 5_000;

/** The process and its children (the server's fan-out workers): their memory and CPU are the server's. */
function processTree(pid: number): number[] {
  const children: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (listed) children.push(...listed.split(' ').map(Number));
    }
  } catch {
    // it ended while being read
  }
  return [pid, ...children.flatMap(processTree)];
}

/** RSS summed over the process tree, MiB. */
export function treeRssMiB(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      total += rssMiB(p).rss;
    } catch {
      // a child that ended between the listing and the read
    }
  }
  return total;
}

/** CPU by thread over the process tree; a child's threads are named "worker <thread>". */
function treeCpu(pid: number): Map<string, number> {
  const out = threadCpu(pid);
  for (const child of processTree(pid).slice(1)) {
    for (const [name, cpu] of threadCpu(child)) out.set(`worker ${name}`, (out.get(`worker ${name}`) ?? 0) + cpu);
  }
  return out;
}

export interface PhaseOptions {
  url: string;
  /** The process serving the clients (the product's server or the bare baseline). */
  pid: number;
  clients: number;
  processes: number;
  seconds: number;
  /** One client in this many is designated (0: none); they do not read unless `slowRead`. */
  slowEvery: number;
  slowRead: boolean;
  probeEvery: number;
  deflate: boolean;
  probeDeflate: boolean;
  kpiIds: string[];
  /** Called once every client is connected, before the warm-up (the baseline starts sending then). */
  connected?: () => void;
  /** The product's hub figures (evictions, bytes queued for clients); the baseline has none. */
  hub?: () => Promise<{ evicted: number; bufferedMiB: number }>;
}

export interface Merged {
  seconds: number;
  fastClients: number;
  probes: number;
  framesFast: number;
  framesCounted: number;
  wireBytes: number;
  framesProbed: number;
  jsonBytes: number;
  latencySamples: number;
  p50: number;
  p99: number;
  max: number;
  serverP50: number;
  serverP99: number;
  slowCloses: Record<string, number>;
  fastCloses: Record<string, number>;
  refused: Record<string, number>;
  notConnected: number;
  /** Cores the client processes used, together. */
  clientCores: number;
}

export interface PhaseResult {
  report: Merged;
  /** Target RSS sampled each second while measuring: mean and highest, MiB. */
  rss: number;
  maxRss: number;
  cpu: string;
  cores: number;
  evicted: number;
  /** Bytes queued in the server for clients at the end of the phase. */
  bufferedMiB: number;
}

function percentile(hist: ReadonlyMap<number, number>, total: number, p: number): number {
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const ms of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(ms)!;
    if (seen >= rank && rank > 0) return ms;
  }
  return NaN;
}

const addInto = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
};

/** The reports of several client processes as one: counts added, histograms merged, percentiles taken over all. */
export function mergeReports(reports: readonly ClientsReport[]): Merged {
  const latency = new Map<number, number>();
  const serverSide = new Map<number, number>();
  const m: Merged = {
    seconds: Math.max(...reports.map((r) => r.seconds)),
    fastClients: 0,
    probes: 0,
    framesFast: 0,
    framesCounted: 0,
    wireBytes: 0,
    framesProbed: 0,
    jsonBytes: 0,
    latencySamples: 0,
    p50: NaN,
    p99: NaN,
    max: NaN,
    serverP50: NaN,
    serverP99: NaN,
    slowCloses: {},
    fastCloses: {},
    refused: {},
    notConnected: 0,
    clientCores: 0,
  };
  for (const r of reports) {
    m.fastClients += r.fastClients;
    m.probes += r.probes;
    m.framesFast += r.framesFast;
    m.framesCounted += r.framesCounted;
    m.wireBytes += r.wireBytes;
    m.framesProbed += r.framesProbed;
    m.jsonBytes += r.jsonBytes;
    m.latencySamples += r.latencySamples;
    for (const [ms, n] of r.latency) latency.set(ms, (latency.get(ms) ?? 0) + n);
    for (const [ms, n] of r.serverSide) serverSide.set(ms, (serverSide.get(ms) ?? 0) + n);
    addInto(m.slowCloses, r.slowCloses);
    addInto(m.fastCloses, r.fastCloses);
    addInto(m.refused, r.refused);
    m.notConnected += r.notConnected;
    m.clientCores += r.cpuSeconds / r.seconds;
  }
  m.p50 = percentile(latency, m.latencySamples, 50);
  m.p99 = percentile(latency, m.latencySamples, 99);
  m.max = percentile(latency, m.latencySamples, 100);
  m.serverP50 = percentile(serverSide, m.latencySamples, 50);
  m.serverP99 = percentile(serverSide, m.latencySamples, 99);
  return m;
}

function clientProcess(): { child: ChildProcess; reply: <T>(key: string) => Promise<T> } {
  const child = fork(path.join(import.meta.dirname, 'clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const reply = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const on = (m: Record<string, unknown>) => {
        if (m.error) reject(new Error(String(m.error)));
        else if (key in m) {
          child.off('message', on);
          resolve(m[key] as T);
        }
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
    });
  return { child, reply };
}

export async function phase(o: PhaseOptions): Promise<PhaseResult> {
  const procs = Array.from({ length: o.processes }, clientProcess);
  const share = Math.ceil(o.clients / o.processes);
  await Promise.all(
    procs.map(({ child, reply }, i) => {
      const cfg: ClientsConfig = {
        url: o.url,
        clients: Math.min(share, o.clients - i * share),
        first: i * share,
        probeEvery: o.probeEvery,
        deflate: o.deflate,
        probeDeflate: o.probeDeflate,
        slow: o.slowEvery,
        slowRead: o.slowRead,
        kpiIds: o.kpiIds,
      };
      child.send({ connect: cfg });
      return reply<number>('connected');
    }),
  );
  o.connected?.();
  await sleep(WARMUP_MS);
  const evictedBefore = (await o.hub?.())?.evicted ?? 0;
  const cpuBefore = treeCpu(o.pid);
  for (const { child } of procs) child.send({ measure: true });
  const samples: number[] = [];
  for (let s = 0; s < o.seconds; s++) {
    await sleep(1000);
    samples.push(treeRssMiB(o.pid));
  }
  const cpuAfter = treeCpu(o.pid);
  const hub = (await o.hub?.()) ?? { evicted: 0, bufferedMiB: 0 };
  const reports = await Promise.all(
    procs.map(({ child, reply }) => {
      child.send({ report: true });
      return reply<ClientsReport>('report');
    }),
  );
  const report = mergeReports(reports);
  const cpu = cpuBreakdown(cpuBefore, cpuAfter, report.seconds);
  await sleep(2_000); // the server notices the closes and frees their buffers
  return {
    report,
    rss: samples.reduce((a, b) => a + b, 0) / samples.length,
    maxRss: Math.max(...samples),
    cpu: cpu.text,
    cores: cpu.total / report.seconds,
    evicted: hub.evicted - evictedBefore,
    bufferedMiB: hub.bufferedMiB,
  };
}
