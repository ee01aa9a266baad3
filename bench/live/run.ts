/**
 * Live fan-out benchmark: event → WebSocket client latency with many clients.
 *
 *   node --import tsx bench/live/run.ts [--clients 1000] [--kpis 200] [--rate 10] [--seconds 30] [--slow 0.1]
 *
 * Spawns a server (embedded default: chdb in its own data directory, a generated config
 * with --kpis KPIs, LOG_LEVEL=warn) and, in a separate process (clients.ts), --clients
 * WebSocket clients subscribed to every KPI. A producer here posts one event per KPI
 * --rate times a second with ts = send time. Phase 1: every client reads. Phase 2: a
 * fresh set of clients of which --slow (a fraction) never read after their snapshot.
 * Both phases measure the same clients (those that read in phase 2, the same probes), so
 * their p99s compare like with like. Phase 3 repeats phase 1 as a control, so a drift over the
 * run is not read as the slow clients' doing. Each phase measures for --seconds; the whole run
 * stops by itself.
 * BENCH_SERVER_ROOT=<checkout> runs the server from another checkout (before/after).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { MetricEvent } from '@northstar/shared';
import {
  cpuBreakdown,
  describeBatches,
  fmt,
  machineNote,
  numberOption,
  readMetrics,
  REPO_ROOT,
  rssMiB,
  sleep,
  spawnServer,
  threadCpu,
  waitReady,
  wantsHelp,
} from '../support.ts';
import type { ClientsConfig, ClientsReport } from './clients.ts';

const P99_BUDGET_MS = 250;
const SLOW_RSS_BUDGET_MIB = 100;
/** Updates flow this long before a phase is measured: connections settle, the JIT warms. */
const WARMUP_MS = 5_000;

if (wantsHelp()) {
  console.log('node --import tsx bench/live/run.ts [--clients 1000] [--kpis 200] [--rate 10] [--seconds 30] [--slow 0.1]');
  process.exit(0);
}
const clients = numberOption('clients', 1000);
const kpis = numberOption('kpis', 200);
const rate = numberOption('rate', 10);
const seconds = Math.min(numberOption('seconds', 30), 60);
const slowFraction = Math.min(numberOption('slow', 0.1), 0.9);
const serverRoot = process.env.BENCH_SERVER_ROOT ?? REPO_ROOT;

const kpiIds = Array.from({ length: kpis }, (_, i) => `k${String(i).padStart(4, '0')}`);

/** Five KPIs per objective (the alignment lint wants few per objective), all summing their own metric over 5 minutes. */
function configYaml(): string {
  const objectives = Array.from({ length: Math.ceil(kpis / 5) }, (_, i) => `  - { id: o${i}, name: Objective ${i}, owner: Bench }`);
  const lines = kpiIds.map(
    (id, i) =>
      `  - { id: ${id}, name: KPI ${id}, objective: o${Math.floor(i / 5)}, metric: bench.${id}, aggregation: sum, window: 5m, target: 100000 }`,
  );
  return `objectives:\n${objectives.join('\n')}\nkpis:\n${lines.join('\n')}\n`;
}

/** Requests in flight at most: a POST answers once its events are stored, which takes longer than 1/rate s. */
const MAX_IN_FLIGHT = 8;

/** One event per KPI every 1/rate s, ts = now; latency is measured from this ts. */
function startProducer(url: string): { stop: () => Promise<{ posted: number; failed: number; skipped: number }> } {
  let posted = 0;
  let failed = 0;
  let skipped = 0;
  let inFlight = 0;
  let running = true;
  const post = async (body: string, n: number) => {
    inFlight += 1;
    try {
      const res = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      if (res.ok) posted += n;
      else failed += n;
    } catch {
      failed += n;
    } finally {
      inFlight -= 1;
    }
  };
  const loop = (async () => {
    const period = 1000 / rate;
    let next = performance.now();
    while (running) {
      const ts = Date.now();
      const events: Array<Pick<MetricEvent, 'metric' | 'value' | 'ts'>> = kpiIds.map((id) => ({
        metric: `bench.${id}`,
        value: 1 + Math.random() * 9,
        ts,
      }));
      if (inFlight < MAX_IN_FLIGHT) void post(JSON.stringify(events), events.length);
      else skipped += events.length;
      next += period;
      await sleep(Math.max(0, next - performance.now()));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      while (inFlight > 0) await sleep(10);
      return { posted, failed, skipped };
    },
  };
}

async function hubFigures(url: string): Promise<{ evicted: number; bufferedMiB: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { evicted: read('northstar_ws_evictions_total'), bufferedMiB: read('northstar_ws_buffered_bytes') / 1024 / 1024 };
}

interface PhaseResult {
  report: ClientsReport;
  /** Server RSS sampled each second while measuring: mean and highest, MiB. */
  rss: number;
  maxRss: number;
  cpu: string;
  cores: number;
  evicted: number;
  /** Bytes queued in the server for clients at the end of the phase. */
  bufferedMiB: number;
}

async function phase(url: string, pid: number, slow: number, slowRead: boolean): Promise<PhaseResult> {
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
  const cfg: ClientsConfig = { url, clients, slow, slowRead, kpiIds };
  child.send({ connect: cfg });
  await reply<number>('connected');
  await sleep(WARMUP_MS);
  const evictedBefore = (await hubFigures(url)).evicted;
  const cpuBefore = threadCpu(pid);
  child.send({ measure: true });
  const samples: number[] = [];
  for (let s = 0; s < seconds; s++) {
    await sleep(1000);
    samples.push(rssMiB(pid).rss);
  }
  const cpuAfter = threadCpu(pid);
  const hub = await hubFigures(url);
  child.send({ report: true });
  const report = await reply<ClientsReport>('report');
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

function describe(label: string, r: PhaseResult): void {
  const x = r.report;
  console.log(`\n${label}`);
  console.log(
    `  latency event → client (${fmt(x.latencySamples)} updates on ${x.probes} probe clients): p50 ${x.p50} ms, p99 ${x.p99} ms, max ${x.max} ms`,
  );
  console.log(`    of which event → frame built (store, evaluation, frame rate): p50 ${x.serverP50} ms, p99 ${x.serverP99} ms`);
  console.log(
    `  frames delivered: ${fmt(x.framesFast / x.seconds)}/s to ${x.fastClients} reading clients (${fmt(x.bytesFast / x.seconds / 1024 / 1024)} MiB/s)`,
  );
  console.log(
    `  server RSS ${r.rss.toFixed(0)} MiB mean, ${r.maxRss.toFixed(0)} MiB highest while measuring; queued for clients at the end ${r.bufferedMiB.toFixed(1)} MiB; CPU ${r.cpu}`,
  );
  console.log(`  client process CPU ${(x.cpuSeconds / x.seconds).toFixed(2)} cores; clients evicted during the phase: ${r.evicted}`);
  if (Object.keys(x.slowCloses).length > 0) console.log(`  non-reading clients closed: ${JSON.stringify(x.slowCloses)}`);
  if (Object.keys(x.fastCloses).length > 0) console.log(`  reading clients closed: ${JSON.stringify(x.fastCloses)}`);
}

/** Phase 2 against the span of the two all-reading phases around it: inside it is no effect this run can see. */
function slowEffect(before: number, withSlow: number, after: number): string {
  const lo = Math.min(before, after);
  const hi = Math.max(before, after);
  if (withSlow <= hi) return `none seen (${withSlow} ms within the all-reading phases' ${lo}–${hi} ms)`;
  return `+${withSlow - hi} ms over the all-reading phases' highest (${hi} ms)`;
}

console.log(
  `bench/live: ${clients} clients × ${kpis} KPIs × ${rate} updates/s each (${fmt(kpis * rate)} events/s), ${seconds} s per phase, ${slowFraction * 100}% slow in phase 2, phase 3 all reading again`,
);
const server = await spawnServer({}, { configYaml: configYaml(), root: serverRoot });
await waitReady(server);
const producer = startProducer(server.url);
try {
  await sleep(1_000);
  const base = rssMiB(server.pid).rss;
  const slowCount = Math.round(clients * slowFraction);
  const fast = await phase(server.url, server.pid, slowCount, true);
  describe(`phase 1: all ${clients} clients read (measured: the ${clients - slowCount} that read in phase 2 too)`, fast);
  const slow = await phase(server.url, server.pid, slowCount, false);
  describe(`phase 2: ${slowCount} of ${clients} clients never read (measured: the other ${clients - slowCount})`, slow);
  // the control: all read again, so a drift over time (background merges, a warmer JIT) is not blamed on the slow clients
  const again = await phase(server.url, server.pid, slowCount, true);
  describe(`phase 3: all ${clients} clients read again (the control; measured: the same ${clients - slowCount})`, again);
  const sent = await producer.stop();
  const m = await readMetrics(server.url);
  console.log(
    `\nproducer: ${fmt(sent.posted)} events posted, ${fmt(sent.failed)} failed, ${fmt(sent.skipped)} not sent (${MAX_IN_FLIGHT} requests in flight); server RSS before clients ${base.toFixed(0)} MiB`,
  );
  // tiles show only what the store kept: the batch wait and the insert are the floor under the latency
  console.log(`store: ${describeBatches(m)}`);
  const p99ok = fast.report.p99 <= P99_BUDGET_MS;
  const rssDelta = slow.rss - fast.rss;
  console.log(`budget p99 ≤ ${P99_BUDGET_MS} ms with ${clients} clients: ${fast.report.p99} ms ${p99ok ? 'ok' : 'OVER'}`);
  console.log(
    `budget slow clients add ≤ ${SLOW_RSS_BUDGET_MIB} MiB: mean RSS ${rssDelta >= 0 ? '+' : ''}${rssDelta.toFixed(0)} MiB (${fast.rss.toFixed(0)} → ${slow.rss.toFixed(0)}; highest ${fast.maxRss.toFixed(0)} → ${slow.maxRss.toFixed(0)}); queued for clients ${fast.bufferedMiB.toFixed(1)} → ${slow.bufferedMiB.toFixed(1)} MiB ${rssDelta <= SLOW_RSS_BUDGET_MIB ? 'ok' : 'OVER'}`,
  );
  console.log(
    `fast clients' latency, same ${fast.report.fastClients} clients and ${fast.report.probes} probes: p50 ${fast.report.p50} → ${slow.report.p50} ms, p99 ${fast.report.p99} → ${slow.report.p99} → ${again.report.p99} ms (phase 1 → 2 with slow clients → 3); slow clients' effect on p99: ${slowEffect(fast.report.p99, slow.report.p99, again.report.p99)}`,
  );
  console.log(machineNote());
} finally {
  await producer.stop();
  await server.stop(15_000);
}
