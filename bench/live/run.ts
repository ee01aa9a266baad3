/**
 * Live fan-out benchmark: event → WebSocket client latency with many clients.
 *
 *   node --import tsx bench/live/run.ts [--clients 5000] [--processes 2] [--kpis 200] [--rate 10] [--seconds 30] [--slow 0.1]
 *     [--probes 100] [--deflate 1] [--probe-deflate 0] [--workers N]
 *
 * Spawns a server (embedded default: chdb in its own data directory, a generated config
 * with --kpis KPIs, LOG_LEVEL=warn) and, in --processes separate processes (clients.ts),
 * --clients WebSocket clients subscribed to every KPI. A producer here posts one event per
 * KPI --rate times a second with ts = send time. Phase 1: every client reads. Phase 2: a
 * fresh set of clients of which --slow (a fraction) never read after their snapshot.
 * Both phases measure the same clients (those that read in phase 2, the same probes), so
 * their p99s compare like with like. Phase 3 repeats phase 1 as a control, so a drift over the
 * run (the store's background merges) is not read as the slow clients' doing. Then the
 * baseline: the server stopped, a bare `ws` server (bare-server.ts) broadcasts frames of the
 * product's phase-1 size to the same number of clients at the same rate, measured the same
 * way, and the product's figures are printed as ratios to it. Each phase measures for
 * --seconds; the whole run stops by itself.
 * Every client but the probes only counts frames (counting-client.ts), so thousands cost the load
 * processes little. --deflate 1 (the default) has them offer permessage-deflate, as every
 * browser does; --probe-deflate 1 has the probes offer it too (see clients.ts for why not by default).
 * BENCH_SERVER_ROOT=<checkout> runs the server from another checkout (before/after).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { MetricEvent } from '@northstar/shared';
import {
  describeBatches,
  fmt,
  machineNote,
  numberOption,
  readMetrics,
  REPO_ROOT,
  sleep,
  spawnServer,
  waitReady,
  wantsHelp,
} from '../support.ts';
import type { BareConfig, BareStats } from './bare-server.ts';
import { phase, treeRssMiB, type PhaseResult } from './phase.ts';

const P99_BUDGET_MS = 250;
const RSS_BUDGET_MIB = 1024;
const SLOW_RSS_BUDGET_MIB = 100;
const USAGE =
  'node --import tsx bench/live/run.ts [--clients 5000] [--processes 2] [--kpis 200] [--rate 10] [--seconds 30] [--slow 0.1] [--probes 100] [--deflate 1] [--probe-deflate 0] [--workers N]';

if (wantsHelp()) {
  console.log(USAGE);
  process.exit(0);
}
const clients = Math.min(numberOption('clients', 5000), 5000);
const processes = Math.max(1, Math.min(numberOption('processes', 2), 4));
const kpis = numberOption('kpis', 200);
const rate = numberOption('rate', 10);
const seconds = Math.min(numberOption('seconds', 30), 60);
const slowFraction = Math.min(numberOption('slow', 0.1), 0.9);
/** Parsing every frame of thousands of clients would measure the client processes, not the server. */
const probeEvery = Math.max(1, Math.round(clients / numberOption('probes', 100)));
const deflate = numberOption('deflate', 1) !== 0;
const probeDeflate = numberOption('probe-deflate', 0) !== 0;
const slowEvery = slowFraction > 0 ? Math.round(1 / slowFraction) : 0;
const serverRoot = process.env.BENCH_SERVER_ROOT ?? REPO_ROOT;
/** The server's fan-out worker processes (NORTHSTAR_LIVE_WORKERS; 0: sockets in its main process); unset: the server's default. */
function workersOption(argv = process.argv.slice(2)): string | undefined {
  const at = argv.findIndex((a) => a === '--workers' || a.startsWith('--workers='));
  if (at < 0) return process.env.NORTHSTAR_LIVE_WORKERS;
  const raw = argv[at]!.includes('=') ? argv[at]!.slice('--workers='.length) : argv[at + 1];
  if (!/^\d+$/.test(raw ?? '')) throw new Error(`--workers: "${raw}" is not a whole number (0: sockets in the server's main process)`);
  return raw;
}
const workers = workersOption();

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

const phaseOptions = { clients, processes, seconds, probeEvery, deflate, probeDeflate, kpiIds, slowEvery };

function describe(label: string, r: PhaseResult): void {
  const x = r.report;
  console.log(`\n${label}`);
  console.log(
    `  latency event → client (${fmt(x.latencySamples)} updates on ${x.probes} probe clients): p50 ${x.p50} ms, p99 ${x.p99} ms, max ${x.max} ms`,
  );
  console.log(`    of which event → frame built (store, evaluation, frame rate): p50 ${x.serverP50} ms, p99 ${x.serverP99} ms`);
  console.log(
    `  frames delivered: ${fmt(x.framesFast / x.seconds)}/s to ${x.fastClients} reading clients; ${fmt(jsonFrameBytes(x))} B of JSON a frame, ${fmt(x.wireBytes / Math.max(1, x.framesCounted))} B on the wire (${fmt((x.wireBytes * (x.framesFast / Math.max(1, x.framesCounted))) / x.seconds / 1024 / 1024)} MiB/s in all)`,
  );
  console.log(
    `  server RSS ${r.rss.toFixed(0)} MiB mean, ${r.maxRss.toFixed(0)} MiB highest while measuring; queued for clients at the end ${r.bufferedMiB.toFixed(1)} MiB; CPU ${r.cpu}`,
  );
  console.log(`  client processes CPU ${x.clientCores.toFixed(2)} cores; clients evicted during the phase: ${r.evicted}`);
  if (x.notConnected > 0) console.log(`  clients not connected within the connect deadline: ${x.notConnected}`);
  if (Object.keys(x.refused).length > 0) console.log(`  handshakes refused (retried once): ${JSON.stringify(x.refused)}`);
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

/** The naive baseline on the same box, now: a bare ws server sending frames of `frameBytes` to as many clients. */
async function baseline(frameBytes: number): Promise<{ result: PhaseResult; stats: BareStats }> {
  const child = fork(path.join(import.meta.dirname, 'bare-server.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const reply = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', on);
          resolve(m[key] as T);
        }
      };
      child.on('message', on);
    });
  try {
    child.send({ start: { kpiIds, rate, frameBytes } satisfies BareConfig });
    const url = await reply<string>('listening');
    const result = await phase({
      ...phaseOptions,
      url,
      pid: child.pid!,
      slowEvery: 0,
      slowRead: true,
      connected: () => child.send({ broadcast: true }),
    });
    child.send({ stop: true });
    return { result, stats: await reply<BareStats>('stats') };
  } finally {
    setTimeout(() => child.kill(), 5_000).unref();
  }
}

/** The mean message size as JSON (the probes inflate and parse what they get). */
const jsonFrameBytes = (x: PhaseResult['report']) => x.jsonBytes / Math.max(1, x.framesProbed);

const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

console.log(
  `bench/live: ${clients} clients in ${processes} process(es) × ${kpis} KPIs × ${rate} updates/s each (${fmt(kpis * rate)} events/s), ${seconds} s per phase, one client in ${slowEvery || '∞'} slow in phase 2, phase 3 all reading again, then the bare-ws baseline; ${deflate ? 'clients offer permessage-deflate' : 'no compression offered'}, one probe in ${probeEvery}${probeDeflate ? ' (offering it too)' : ' (plain frames)'}; server fan-out workers: ${workers ?? 'its default'}`,
);
const server = await spawnServer(workers === undefined ? {} : { NORTHSTAR_LIVE_WORKERS: workers }, {
  configYaml: configYaml(),
  root: serverRoot,
});
await waitReady(server);
const producer = startProducer(server.url);
let stopped = false;
try {
  await sleep(1_000);
  const base = treeRssMiB(server.pid);
  const product = { ...phaseOptions, url: server.url, pid: server.pid, hub: () => hubFigures(server.url) };
  const fast = await phase({ ...product, slowRead: true });
  describe(`phase 1: all ${clients} clients read (measured: the ${fast.report.fastClients} that read in phase 2 too)`, fast);
  const slow = await phase({ ...product, slowRead: false });
  describe(`phase 2: one in ${slowEvery} of ${clients} clients never reads (measured: the other ${slow.report.fastClients})`, slow);
  // the control: all read again, so a drift over time (background merges, a warmer JIT) is not blamed on the slow clients
  const again = await phase({ ...product, slowRead: true });
  describe(`phase 3: all ${clients} clients read again (the control; measured: the same ${again.report.fastClients})`, again);
  const sent = await producer.stop();
  const m = await readMetrics(server.url);
  console.log(
    `\nproducer: ${fmt(sent.posted)} events posted, ${fmt(sent.failed)} failed, ${fmt(sent.skipped)} not sent (${MAX_IN_FLIGHT} requests in flight); server RSS before clients ${base.toFixed(0)} MiB`,
  );
  // tiles show only what the store kept: the batch wait and the insert are the floor under the latency
  console.log(`store: ${describeBatches(m)}`);
  await server.stop(15_000);
  stopped = true;

  const frameBytes = Math.round(jsonFrameBytes(fast.report));
  const bare = await baseline(frameBytes);
  describe(
    `baseline: a bare ws server sends ${fmt(frameBytes)}-byte frames ${rate}×/s to ${clients} clients (delivery alone)`,
    bare.result,
  );
  console.log(`  its broadcast loop: p99 ${bare.stats.broadcastP99Ms.toFixed(1)} ms a tick`);

  const phases = [fast, slow, again];
  const worstP99 = Math.max(...phases.map((p) => p.report.p99));
  const maxRss = Math.max(...phases.map((p) => p.maxRss));
  const b = bare.result;
  console.log('\nproduct ÷ bare ws, same clients, same frame size, same box, this run:');
  console.log(
    `  p50 ${fast.report.p50} ÷ ${b.report.p50} ms = ${ratio(fast.report.p50, b.report.p50)}; p99 ${fast.report.p99} ÷ ${b.report.p99} ms = ${ratio(fast.report.p99, b.report.p99)} (phase 1); worst phase p99 ${worstP99} ms = ${ratio(worstP99, b.report.p99)}`,
  );
  console.log(
    `  frames delivered ${fmt(fast.report.framesFast / fast.report.seconds)} ÷ ${fmt(b.report.framesFast / b.report.seconds)} /s = ${ratio(fast.report.framesFast / fast.report.seconds, b.report.framesFast / b.report.seconds)} per fast client; server CPU ${fast.cores.toFixed(2)} ÷ ${b.cores.toFixed(2)} cores = ${ratio(fast.cores, b.cores)}; RSS ${fast.rss.toFixed(0)} ÷ ${b.rss.toFixed(0)} MiB`,
  );
  console.log(
    `\nbudget p99 ≤ ${P99_BUDGET_MS} ms with ${clients} clients in every phase: ${phases.map((p) => p.report.p99).join(' / ')} ms ${worstP99 <= P99_BUDGET_MS ? 'ok' : 'OVER'}`,
  );
  console.log(`budget server RSS ≤ ${RSS_BUDGET_MIB} MiB: highest ${maxRss.toFixed(0)} MiB ${maxRss <= RSS_BUDGET_MIB ? 'ok' : 'OVER'}`);
  const rssDelta = slow.rss - fast.rss;
  console.log(
    `budget slow clients add ≤ ${SLOW_RSS_BUDGET_MIB} MiB: mean RSS ${rssDelta >= 0 ? '+' : ''}${rssDelta.toFixed(0)} MiB (${fast.rss.toFixed(0)} → ${slow.rss.toFixed(0)}; highest ${fast.maxRss.toFixed(0)} → ${slow.maxRss.toFixed(0)}); queued for clients ${fast.bufferedMiB.toFixed(1)} → ${slow.bufferedMiB.toFixed(1)} MiB ${rssDelta <= SLOW_RSS_BUDGET_MIB ? 'ok' : 'OVER'}`,
  );
  console.log(
    `fast clients' latency, same ${fast.report.fastClients} clients and ${fast.report.probes} probes: p50 ${fast.report.p50} → ${slow.report.p50} ms, p99 ${fast.report.p99} → ${slow.report.p99} → ${again.report.p99} ms (phase 1 → 2 with slow clients → 3); slow clients' effect on p99: ${slowEffect(fast.report.p99, slow.report.p99, again.report.p99)}`,
  );
  console.log(machineNote());
} finally {
  if (!stopped) {
    await producer.stop();
    await server.stop(15_000);
  }
}
