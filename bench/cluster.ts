/**
 * Cluster benchmark (issue 17.7): ingest through the cluster of `scripts/cluster.sh` (three
 * KRaft brokers, one `northstar store`, `northstar serve` instances in one consumer group, the
 * partials topic between them) with 1, then 2, then 3 instances, in one invocation:
 *   - events/s: a backlog (up to --events, at most 20 s of producing) put on the 6 partitions
 *     while the running instances are frozen (SIGSTOP), then drained: from SIGCONT until the
 *     store holds every event and every running instance shows the whole count, so the
 *     producer (on the same cores) is not what is measured;
 *   - CPU-s per million events, from /proc, summed over the instance processes, and
 *     separately the store and the three brokers; what the instances and the store take idle
 *     (timers, evaluation, heartbeats; sampled for 10 s after a 10 s settle before each run) is subtracted, so the
 *     figure is what the events cost; idle is sampled again after each run, and the figure with
 *     that subtraction is printed beside it: the spread is the error bar of taking idle off;
 * the single-instance figures are the baseline and the ratios to them are printed: with k
 * instances each event is still decoded, stored and counted once, and what grows is the
 * partials' cost (each instance publishes the partials of its partitions and merges everyone's).
 * Then, with 3 instances, event → WebSocket latency across instances: an event produced to a
 * partition another instance owns, seen in a delta on instance 3's WebSocket, against the same on a
 * partition instance 3 owns (the in-invocation baseline), probes alternating between the two;
 * p50/p99/max, budget p99 ≤ 1 s.
 *
 * With --rounds R > 1 the instance counts are walked up and down (1, 2, 3, 3, 2, 1, …: R passes,
 * every other one reversed), so a drift in the box's load falls on every count alike, and the
 * median per count is what the ratios use; every run is printed.
 *
 *   node --import tsx bench/cluster.ts [--events 400000] [--probes 100] [--rounds 2]
 *
 * Bounded: 3 × at most events events, 2 × probes probes (one at a time, 5 s each at most), and a
 * (12 + 4 × rounds)-minute cap on the whole run. Needs java and the Kafka jars (scripts/kafka.sh install).
 */
import { readFileSync } from 'node:fs';
import { Kafka, type Producer } from 'kafkajs';
import WebSocket from 'ws';
import type { ServerMessage } from '@northstar/shared';
import { CLUSTER_TOPIC, groupAssignment, lagPartitions, startCluster, type Cluster, type PartName } from '../tests/support/cluster.ts';
import { fmt, machineNote, numberOption, percentile, sleep, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write('usage: node --import tsx bench/cluster.ts [--events N] [--probes N] [--rounds N]\n');
  process.exit(0);
}
const EVENTS = numberOption('events', 400_000);
const PROBES = numberOption('probes', 100);
const ROUNDS = numberOption('rounds', 2);
const PARTITIONS = 6;
const RUN_CAP_MS = (12 + 4 * ROUNDS) * 60_000;
const BUDGET_MS = 1_000;
const IDLE_MS = 10_000;
const SETTLE_MS = 10_000;
/** Pause after a run before idle is sampled again (the last inserts and deltas go out first). */
const AFTER_SETTLE_MS = 3_000;
const FREEZE_MAX_MS = 20_000;

const CONFIG = `
objectives:
  - { id: bench, name: Cluster bench, owner: Bench, period: 2026-Q4 }
kpis:
${Array.from({ length: 3 * ROUNDS + 1 }, (_, i) => `  - { id: run${i + 1}, name: Run ${i + 1}, objective: bench, metric: bench.run${i + 1}, aggregation: count, window: 1h, target: 1 }`).join('\n')}
  - { id: run-sum, name: Run sum, objective: bench, metric: bench.run1, aggregation: sum, window: 1h, target: 1 }
  - { id: run-p95, name: Run p95, objective: bench, metric: bench.run2, aggregation: p95, window: 1h, target: 1 }
  - { id: lat-far, name: Latency far, objective: bench, metric: bench.far, aggregation: count, window: 1h, target: 1 }
  - { id: lat-near, name: Latency near, objective: bench, metric: bench.near, aggregation: count, window: 1h, target: 1 }
`;

const cap = setTimeout(() => {
  console.error(`bench/cluster: over ${RUN_CAP_MS / 60_000} minutes; stopping`);
  void cluster?.down().finally(() => process.exit(1));
}, RUN_CAP_MS);

/** utime + stime of a process, in seconds (/proc/<pid>/stat fields 14 and 15; 100 ticks a second). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

const INSTANCES: PartName[] = ['serve-1', 'serve-2', 'serve-3'];
const BROKERS: PartName[] = ['kafka-1', 'kafka-2', 'kafka-3'];

function cpuOf(c: Cluster, parts: PartName[]): number {
  return parts.reduce((s, p) => s + cpuSeconds(c.pid(p)), 0);
}

async function countOn(c: Cluster, instance: number, kpi: string): Promise<number | null> {
  const res = await c.api(instance, `/api/v1/kpis/${kpi}`);
  if (!res.ok) return null;
  return ((await res.json()) as { state: { value: number | null } }).state.value;
}

/** Inserts and id checks an instance has made so far (its /metrics); 0 for an instance not running. */
async function insertCounters(c: Cluster, instances: number): Promise<{ inserts: number; idChecks: number }> {
  let inserts = 0;
  let idChecks = 0;
  for (let n = 1; n <= instances; n++) {
    const text = await (await c.api(n, '/metrics')).text();
    const sum = (name: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
        .reduce((t, l) => t + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    inserts += sum('northstar_insert_seconds_count');
    idChecks += sum('northstar_ingest_id_check_seconds_count');
  }
  return { inserts, idChecks };
}

async function storedCount(c: Cluster, metric: string): Promise<number> {
  const r = await store.query({
    query: 'SELECT count() AS n FROM events WHERE metric = {m:String}',
    query_params: { m: metric },
    format: 'JSONEachRow',
  });
  return Number((await r.json<{ n: string }>())[0]!.n);
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function partialsEnd(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(`${CLUSTER_TOPIC}.kpi-partials`)).reduce((s, p) => s + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

interface RunResult {
  instances: number;
  events: number;
  seconds: number;
  /** How long the producer took to build the backlog, the instances frozen. */
  produceSeconds: number;
  /** CPU-s per second the running instances (together) and the store take with no events. */
  idleInstances: number;
  idleStore: number;
  rate: number;
  instanceCpu: number;
  storeCpu: number;
  /** The same without the idle share taken off. */
  instanceCpuRaw: number;
  storeCpuRaw: number;
  brokerCpu: number;
  partials: number;
  /** CPU-s per million events of each running instance, its own idle share subtracted. */
  perInstanceCpu: number[];
  /**
   * The same two figures with the idle share sampled again after the run: the box's load drifts
   * while a run lasts, and the two subtractions bound the error of taking idle off.
   */
  instanceCpuIdleAfter: number;
  perInstanceCpuIdleAfter: number[];
  idleInstancesAfter: number;
  /** Inserts and id checks the instances made per million events (fewer, larger inserts cost the store less). */
  inserts: number;
  idChecks: number;
}

function signal(c: Cluster, parts: PartName[], sig: NodeJS.Signals): void {
  for (const p of parts) process.kill(c.pid(p)!, sig);
}

/**
 * One run: the running instances frozen (SIGSTOP) while the backlog is produced, so the
 * producer does not bound the rate; then let go (SIGCONT) and timed until the store holds
 * every event and every running instance shows the whole count. The freeze is kept under
 * FREEZE_MAX_MS, well inside the session timeouts (the bench's 60 s, the partials consumer's
 * 30 s), so no rebalance is measured.
 */
async function ingestRun(
  c: Cluster,
  producer: Producer,
  kafka: Kafka,
  k: number,
  run: number,
  partitions: number[] = Array.from({ length: PARTITIONS }, (_, p) => p),
): Promise<RunResult> {
  const metric = `bench.run${run}`;
  const running = INSTANCES.slice(0, k);
  // what they cost doing nothing (timers, evaluation, heartbeats): subtracted from the figures per
  // event; sampled after a pause, so a just-started instance's warm-up is not taken for idle
  await sleep(SETTLE_MS);
  const idle0 = { inst: cpuOf(c, running), each: running.map((p) => cpuOf(c, [p])), store: cpuOf(c, ['store']), t: performance.now() };
  await sleep(IDLE_MS);
  const idleSeconds = (performance.now() - idle0.t) / 1000;
  const idleInstances = (cpuOf(c, running) - idle0.inst) / idleSeconds;
  const idleStore = (cpuOf(c, ['store']) - idle0.store) / idleSeconds;
  const idleEach = running.map((p, n) => (cpuOf(c, [p]) - idle0.each[n]!) / idleSeconds);

  const partialsBefore = await partialsEnd(kafka);
  const countersBefore = await insertCounters(c, k);
  signal(c, running, 'SIGSTOP');
  let produced = 0;
  const p0 = performance.now();
  try {
    const ts = Date.now();
    const CHUNK = 5_000;
    // a few sends in flight, so the backlog is built quickly
    const inFlight = new Set<Promise<unknown>>();
    for (let i = 0; i < EVENTS && performance.now() - p0 < FREEZE_MAX_MS; i += CHUNK) {
      const n = Math.min(CHUNK, EVENTS - i);
      const sent = producer.send({
        topic: CLUSTER_TOPIC,
        acks: -1,
        messages: Array.from({ length: n }, (_, j) => {
          const id = `${metric}-${i + j}`;
          return {
            key: id,
            partition: partitions[(i + j) % partitions.length]!,
            value: JSON.stringify({ id, metric, value: ((i + j) % 997) + 1, ts: ts - ((i + j) % 30_000) }),
          };
        }),
      });
      produced += n;
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent)).catch(() => undefined);
      if (inFlight.size >= 3) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    signal(c, running, 'SIGCONT');
  }
  const produceSeconds = (performance.now() - p0) / 1000;
  const before = {
    inst: cpuOf(c, running),
    each: running.map((p) => cpuOf(c, [p])),
    store: cpuOf(c, ['store']),
    brokers: cpuOf(c, BROKERS),
  };
  const t0 = performance.now();
  await until(async () => (await storedCount(c, metric)) >= produced, `${produced} ${metric} in the store`, 600_000, 250);
  for (let n = 1; n <= k; n++)
    await until(async () => (await countOn(c, n, `run${run}`)) === produced, `run${run} on instance ${n}`, 600_000);
  const seconds = (performance.now() - t0) / 1000;
  const after = {
    inst: cpuOf(c, running),
    each: running.map((p) => cpuOf(c, [p])),
    store: cpuOf(c, ['store']),
    brokers: cpuOf(c, BROKERS),
  };
  // idle again, after the run: the spread between the two subtractions is the error bar
  await sleep(AFTER_SETTLE_MS);
  const idle1 = { inst: cpuOf(c, running), each: running.map((p) => cpuOf(c, [p])), t: performance.now() };
  await sleep(IDLE_MS);
  const idle1Seconds = (performance.now() - idle1.t) / 1000;
  const idleInstancesAfter = (cpuOf(c, running) - idle1.inst) / idle1Seconds;
  const idleEachAfter = running.map((p, n) => (cpuOf(c, [p]) - idle1.each[n]!) / idle1Seconds);
  const stored = await storedCount(c, metric);
  if (stored !== produced) throw new Error(`${metric}: the store holds ${stored} events, produced ${produced}`);
  const perM = 1e6 / produced;
  const countersAfter = await insertCounters(c, k);
  return {
    instances: k,
    events: produced,
    seconds,
    produceSeconds,
    idleInstances,
    idleStore,
    rate: produced / seconds,
    instanceCpu: (after.inst - before.inst - idleInstances * seconds) * perM,
    perInstanceCpu: running.map((_, n) => (after.each[n]! - before.each[n]! - idleEach[n]! * seconds) * perM),
    instanceCpuIdleAfter: (after.inst - before.inst - idleInstancesAfter * seconds) * perM,
    perInstanceCpuIdleAfter: running.map((_, n) => (after.each[n]! - before.each[n]! - idleEachAfter[n]! * seconds) * perM),
    idleInstancesAfter,
    storeCpu: (after.store - before.store - idleStore * seconds) * perM,
    instanceCpuRaw: (after.inst - before.inst) * perM,
    storeCpuRaw: (after.store - before.store) * perM,
    brokerCpu: (after.brokers - before.brokers) * perM,
    partials: ((await partialsEnd(kafka)) - partialsBefore) * perM,
    inserts: (countersAfter.inserts - countersBefore.inserts) * perM,
    idChecks: (countersAfter.idChecks - countersBefore.idChecks) * perM,
  };
}

interface Probe {
  kpi: string;
  metric: string;
  partition: number;
}

/**
 * Event → delta on instance 3's WebSocket, one probe at a time, alternating between the
 * probes given (so a load spike on the box falls on both alike); ms each, per probe kind.
 */
async function latencies(c: Cluster, producer: Producer, probes: Probe[]): Promise<number[][]> {
  const ws = new WebSocket(`${c.instances[2].replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${c.apiToken}` } });
  const seen = new Map<string, number>();
  let waiter: { kpi: string; target: number; done: (at: number) => void } | undefined;
  ws.on('message', (data) => {
    const at = performance.now();
    const msg = JSON.parse(String(data)) as ServerMessage;
    if (msg.type === 'snapshot') for (const k of msg.kpis) if (typeof k.state.value === 'number') seen.set(k.definition.id, k.state.value);
    if (msg.type === 'delta')
      for (const u of msg.kpis) {
        const value = u.state?.value ?? u.set?.value;
        if (typeof value === 'number') seen.set(u.id, value);
      }
    if (waiter && (seen.get(waiter.kpi) ?? 0) >= waiter.target) waiter.done(at);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const out = probes.map(() => [] as number[]);
  try {
    await sleep(500); // the snapshot
    for (let i = 0; i < PROBES; i++) {
      for (const [j, probe] of probes.entries()) {
        const seenAt = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`${probe.kpi}: probe ${i} not seen on instance 3 within 5 s`)), 5_000);
          waiter = {
            kpi: probe.kpi,
            target: (seen.get(probe.kpi) ?? 0) + 1,
            done: (at) => {
              clearTimeout(timer);
              waiter = undefined;
              resolve(at);
            },
          };
        });
        const sent = performance.now();
        await producer.send({
          topic: CLUSTER_TOPIC,
          acks: -1,
          messages: [
            {
              partition: probe.partition,
              value: JSON.stringify({ id: `${probe.metric}-${i}`, metric: probe.metric, value: 1, ts: Date.now() }),
            },
          ],
        });
        out[j]!.push((await seenAt) - sent);
        await sleep(50);
      }
    }
  } finally {
    ws.close();
  }
  return out;
}

function latencyLine(label: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `${label}: p50 ${percentile(s, 50).toFixed(0)} ms, p99 ${percentile(s, 99).toFixed(0)} ms, max ${s.at(-1)!.toFixed(0)} ms (${s.length} probes)`;
}

let cluster: Cluster | undefined;
let store: ReturnType<Cluster['store']>;

async function main(): Promise<void> {
  console.log(`bench/cluster: ${fmt(EVENTS)} events per run, ${PROBES} latency probes each way`);
  const t = performance.now();
  cluster = await startCluster({ config: CONFIG, env: { KAFKA_SESSION_TIMEOUT_MS: '60000', LOG_LEVEL: 'warn' } });
  const c = cluster;
  console.log(`cluster up in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  store = c.store();
  const kafka = c.kafka();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const results: RunResult[] = [];
  try {
    await c.stop('serve-3');
    await c.stop('serve-2');
    let running = 1;
    const order = Array.from({ length: ROUNDS }, (_, r) => (r % 2 === 0 ? [1, 2, 3] : [3, 2, 1])).flat();
    for (const [i, k] of order.entries()) {
      // instances join from the lowest and leave from the highest, so instance 3 is the last to join
      while (running < k) await c.start(INSTANCES[running++]!);
      while (running > k) await c.stop(INSTANCES[--running]!);
      const assignment = await (async () => {
        for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(300)) {
          const a = await groupAssignment(kafka, k).catch(() => undefined);
          if (a && a.flat().length === PARTITIONS) return a;
        }
        throw new Error(`no stable group of ${k}`);
      })();
      const r = await ingestRun(c, producer, kafka, k, i + 1);
      results.push(r);
      console.log(
        `${k} instance(s) [${assignment.map((p) => p.join('+')).join(' | ')}]: ${fmt(r.rate)} events/s (${fmt(r.events)} events in ${r.seconds.toFixed(1)} s; backlog produced in ${r.produceSeconds.toFixed(1)} s); ` +
          `CPU-s per million events, idle subtracted: instances ${r.instanceCpu.toFixed(1)}, store ${r.storeCpu.toFixed(1)}, brokers ${r.brokerCpu.toFixed(1)} ` +
          `(idle sampled after the run instead: instances ${r.instanceCpuIdleAfter.toFixed(1)}; ` +
          `with idle: instances ${r.instanceCpuRaw.toFixed(1)}, store ${r.storeCpuRaw.toFixed(1)}; idle before/after: instances ${r.idleInstances.toFixed(2)}/${r.idleInstancesAfter.toFixed(2)}, store ${r.idleStore.toFixed(2)} CPU-s/s); ` +
          `${fmt(r.partials)} partial messages, ${fmt(r.inserts)} inserts and ${fmt(r.idChecks)} id checks per million events`,
      );
    }
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    };
    // one figure per instance count: the median of its runs (with one round, its only run)
    const byCount = [1, 2, 3].map((k): RunResult => {
      const runs = results.filter((r) => r.instances === k);
      const m = (f: (r: RunResult) => number) => median(runs.map(f));
      return {
        ...runs[0]!,
        rate: m((r) => r.rate),
        instanceCpu: m((r) => r.instanceCpu),
        instanceCpuIdleAfter: m((r) => r.instanceCpuIdleAfter),
        storeCpu: m((r) => r.storeCpu),
        brokerCpu: m((r) => r.brokerCpu),
      };
    });
    if (ROUNDS > 1) {
      console.log(`\nmedians of ${ROUNDS} runs per count (CPU-s per million events, idle subtracted):`);
      for (const r of byCount)
        console.log(
          `  ${r.instances} instance(s): ${fmt(r.rate)} events/s; instances ${r.instanceCpu.toFixed(1)}, store ${r.storeCpu.toFixed(1)}, brokers ${r.brokerCpu.toFixed(1)}`,
        );
    }
    const [one] = byCount as [RunResult];
    console.log('\nratios to 1 instance (the in-invocation baseline):');
    for (const r of byCount.slice(1)) {
      console.log(
        `  ${r.instances} instances: events/s ×${(r.rate / one.rate).toFixed(2)}, instance CPU-s/M ×${(r.instanceCpu / one.instanceCpu).toFixed(2)} ` +
          `(${r.instanceCpu >= one.instanceCpu ? '+' : ''}${(r.instanceCpu - one.instanceCpu).toFixed(1)} s/M), store ×${(r.storeCpu / one.storeCpu).toFixed(2)}, brokers ×${(r.brokerCpu / one.brokerCpu).toFixed(2)}`,
      );
    }
    // the error bar of the idle subtraction: each count's figure with idle sampled before and
    // after its runs; the growth is known only to within the spread of those
    const band = (r: RunResult): [number, number] => [
      Math.min(r.instanceCpu, r.instanceCpuIdleAfter),
      Math.max(r.instanceCpu, r.instanceCpuIdleAfter),
    ];
    const [oneLo, oneHi] = band(one);
    console.log("growth over 1 instance with the idle subtraction's error bar (idle sampled before and after each run):");
    for (const r of byCount.slice(1)) {
      const [lo, hi] = band(r);
      console.log(
        `  ${r.instances} instances: ${lo.toFixed(1)}–${hi.toFixed(1)} CPU-s/M against 1 instance's ${oneLo.toFixed(1)}–${oneHi.toFixed(1)}: growth between ${(lo - oneHi).toFixed(1)} and ${(hi - oneLo).toFixed(1)} s/M`,
      );
    }

    // the latency below needs all three (a reversed last pass ends with one)
    while (running < 3) await c.start(INSTANCES[running++]!);
    for (const deadline = Date.now() + 120_000; ; await sleep(300)) {
      const a = await groupAssignment(kafka, 3).catch(() => undefined);
      if (a && a.flat().length === PARTITIONS) break;
      if (Date.now() > deadline) throw new Error('no stable group of 3 for the latency probes');
    }

    // latency across instances, seen on instance 3 (it joined once, so the partitions it reports
    // lag for are its own): near = one of its partitions, far = one it does not own
    await producer.send({
      topic: CLUSTER_TOPIC,
      acks: -1,
      messages: Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, value: JSON.stringify({ metric: 'probe', value: 1 }) })),
    });
    let own3: number[] = [];
    await until(async () => (own3 = await lagPartitions(c, 3)).length === 2, "instance 3's two partitions", 60_000);
    const near = own3[0]!;
    const far = Array.from({ length: PARTITIONS }, (_, p) => p).find((p) => !own3.includes(p))!;
    console.log(
      `\nevent → instance 3's WebSocket, probes one at a time, near and far in turn: near = partition ${near} (instance 3's), far = partition ${far} (another instance's)`,
    );
    const [nearMs, farMs] = (await latencies(c, producer, [
      { kpi: 'lat-near', metric: 'bench.near', partition: near },
      { kpi: 'lat-far', metric: 'bench.far', partition: far },
    ])) as [number[], number[]];
    console.log(latencyLine('  near (baseline)', nearMs));
    console.log(latencyLine('  far  (across instances)', farMs));
    const p99 = percentile(
      [...farMs].sort((a, b) => a - b),
      99,
    );
    console.log(
      `  across instances p99 ${p99.toFixed(0)} ms: ${p99 <= BUDGET_MS ? 'within' : 'OVER'} the ${BUDGET_MS} ms budget; ratio to near p99 ×${(
        p99 /
        percentile(
          [...nearMs].sort((a, b) => a - b),
          99,
        )
      ).toFixed(2)}`,
    );

    // The partials' cost, measured: a backlog on instance 3's partitions only, so instances 1 and
    // 2 take none of the events and do only what every instance does for another's partitions
    // (read their partials, merge them into the windows, evaluate). What they spend per million
    // events is the cost an extra instance adds; the growth above is compared with it.
    const p = await ingestRun(c, producer, kafka, 3, 3 * ROUNDS + 1, own3);
    const [i1, i2, i3] = p.perInstanceCpu as [number, number, number];
    const [a1, a2] = p.perInstanceCpuIdleAfter as [number, number, number];
    // below the idle share when the box is busy (their timers got less than while sampled idle): nothing to measure then
    const partialsCost = Math.max(0, (i1 + i2) / 2);
    console.log(
      `\nthe partials' cost: a backlog of ${fmt(p.events)} events on instance 3's partitions [${own3.join('+')}] only, ${fmt(p.rate)} events/s; ` +
        `CPU-s per million events, idle subtracted: instance 3 (every event) ${i3.toFixed(1)}, instances 1 and 2 (partials only) ${i1.toFixed(1)} and ${i2.toFixed(1)} ` +
        `(idle sampled after: ${a1.toFixed(1)} and ${a2.toFixed(1)})`,
    );
    const partialsHi = Math.max(0, (i1 + i2) / 2, (a1 + a2) / 2);
    for (const r of byCount.slice(1)) {
      const allowed = one.instanceCpu + (r.instances - 1) * partialsCost;
      console.log(
        `  ${r.instances} instances: ${r.instanceCpu.toFixed(1)} CPU-s/M against 1 instance's ${one.instanceCpu.toFixed(1)} + ${r.instances - 1} × ${partialsCost.toFixed(1)} (partials) = ${allowed.toFixed(1)}: ` +
          `${r.instanceCpu <= allowed ? 'within' : `${(r.instanceCpu - allowed).toFixed(1)} over`} the partials' cost; ` +
          `with the error bars (its lowest figure against the highest allowance, ${(oneHi + (r.instances - 1) * partialsHi).toFixed(1)}): ` +
          `${band(r)[0] <= oneHi + (r.instances - 1) * partialsHi ? 'within' : 'over'}`,
      );
    }
    // the same work (every event decoded, checked, stored, counted by one instance) with three
    // instance processes up: what three processes on this box cost per event, whoever does the work
    const three = byCount[2]!;
    console.log(
      `  control: every event on one of 3 running instances ${(i1 + i2 + i3).toFixed(1)} CPU-s/M (1 instance alone ${one.instanceCpu.toFixed(1)}); ` +
        `spread over the 3 ${three.instanceCpu.toFixed(1)}, ×${(three.instanceCpu / (i1 + i2 + i3)).toFixed(2)} the same work on one of them`,
    );
    console.log(machineNote());
  } finally {
    await producer.disconnect().catch(() => undefined);
    await c.down();
    clearTimeout(cap);
  }
}

main().catch(async (err: Error) => {
  console.error(err.stack ?? err.message);
  await cluster?.down().catch(() => undefined);
  process.exit(1);
});
