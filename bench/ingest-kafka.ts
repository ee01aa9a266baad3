/**
 * Ingest benchmark, Kafka: events/s through a Kafka topic into chdb.
 *
 *   bash scripts/kafka.sh start        # broker on 127.0.0.1:9092 (idempotent)
 *   node --import tsx bench/ingest-kafka.ts [--events 1000000] [--seconds 180]
 *        [--send-batch 10000] [--send-concurrency 4] [--partitions 3] [--no-ids] [--baseline-events 1000000]
 *   (or BENCH_EVENTS, BENCH_SECONDS, BENCH_SEND_BATCH, BENCH_SEND_CONCURRENCY;
 *    KAFKA_BROKERS to use another loopback broker)
 *
 * Creates a unique topic with --partitions partitions (3), produces N events into it (key = metric)
 * BEFORE the server starts, then spawns the server (own process, fresh data dir,
 * LOG_LEVEL=warn) with KAFKA_BROKERS/KAFKA_TOPIC/KAFKA_GROUP_ID set and measures the
 * time from /readyz answering 200 until northstar_events_stored_total{source="kafka"}
 * reaches N: the rate at which one instance drains a backlog. Stops the server with
 * SIGTERM and deletes the topic (and the DLQ topic the server creates) at the end.
 * Every event has a unique id, which the server checks against the store; --no-ids
 * sends them without, so the difference between two runs is what idempotency costs.
 * It runs the bare engine on the same rows (engine-baseline.ts) just before and just after
 * the drain, and prints the product's events/s and CPU per event as ratios to it.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import {
  baselineLines,
  cpuBreakdown,
  describeBatches,
  eventFactory,
  fmt,
  machineNote,
  numberOption,
  readMetrics,
  rssMiB,
  runEngineBaseline,
  sleep,
  spawnServer,
  threadCpu,
  waitReady,
  wantsHelp,
  type ServerMetrics,
  type ServerProcess,
} from './support.ts';

if (wantsHelp()) {
  process.stdout.write(
    'usage: node --import tsx bench/ingest-kafka.ts [--events N] [--seconds CAP] [--send-batch MESSAGES_PER_SEND] [--send-concurrency SENDS_IN_FLIGHT] [--partitions N] [--no-ids] [--baseline-events N]\n',
  );
  process.exit(0);
}

const TOTAL_EVENTS = numberOption('events', 1_000_000);
/** Cap on the drain (server ready → all stored); producing has its own cap of the same length. */
const TIME_CAP_S = numberOption('seconds', 180);
const SEND_BATCH = numberOption('send-batch', 10_000);
const SEND_CONCURRENCY = numberOption('send-concurrency', 4);
/** The scaling curve runs 1, 3 and 6 (the consumer works on three at once). */
const PARTITIONS = numberOption('partitions', 3);
const WITH_IDS = !process.argv.includes('--no-ids');
/** Rows the bare-engine baseline inserts (20 000 per insert) after the product's run. */
const BASELINE_EVENTS = numberOption('baseline-events', 1_000_000);
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());

for (const b of BROKERS) {
  if (!/^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(b))
    throw new Error(`KAFKA_BROKERS: ${b} is not a loopback address; this benchmark only runs against a local broker`);
}

async function produce(kafka: Kafka, topic: string): Promise<{ seconds: number; perPartition: number[] }> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const next = eventFactory(`bench-kafka-${Date.now()}`);
  const perPartition = new Array<number>(PARTITIONS).fill(0);
  const started = performance.now();
  const deadline = started + TIME_CAP_S * 1000;
  let made = 0;
  let lastReport = started;
  try {
    const sender = async () => {
      while (made < TOTAL_EVENTS) {
        if (performance.now() > deadline) throw new Error(`producing ${fmt(TOTAL_EVENTS)} events took longer than ${TIME_CAP_S} s`);
        const n = Math.min(SEND_BATCH, TOTAL_EVENTS - made);
        made += n;
        const now = Date.now();
        const messages = Array.from({ length: n }, () => {
          const e = next(now);
          return { key: e.metric, value: JSON.stringify(WITH_IDS ? e : { ...e, id: undefined }) };
        });
        await producer.send({ topic, messages, acks: 1 });
        if (performance.now() - lastReport > 5_000) {
          lastReport = performance.now();
          process.stdout.write(`  produced ${fmt(made)} …\n`);
        }
      }
    };
    await Promise.all(Array.from({ length: SEND_CONCURRENCY }, sender));
  } finally {
    await producer.disconnect();
  }
  const seconds = (performance.now() - started) / 1000;
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) perPartition[p.partition] = Number(p.high) - Number(p.low);
  } finally {
    await admin.disconnect();
  }
  return { seconds, perPartition };
}

async function deleteTopics(admin: Admin, topics: string[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((t) => existing.has(t));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: 10_000 });
}

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'northstar-bench', brokers: BROKERS, logLevel: logLevel.ERROR, retry: { retries: 3 } });
  const topic = `northstar-bench-${Date.now()}-${process.pid}`;
  const dlqTopic = `${topic}.dlq`;
  const groupId = `${topic}-group`;
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`no Kafka broker on ${BROKERS.join(',')} (${(err as Error).message}); run: bash scripts/kafka.sh start`);
  }
  let server: ServerProcess | undefined;
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });

    // 1. the backlog, before any server exists
    process.stdout.write(
      `producing ${fmt(TOTAL_EVENTS)} events to ${topic} (${PARTITIONS} partitions, key = metric, ${fmt(SEND_BATCH)} per send, ${SEND_CONCURRENCY} sends in flight)\n`,
    );
    const produced = await produce(kafka, topic);
    process.stdout.write(
      `produced in ${produced.seconds.toFixed(1)} s = ${fmt(TOTAL_EVENTS / produced.seconds)} events/s; per partition ${produced.perPartition.map(fmt).join(' / ')}\n`,
    );

    // 2. the bare engine now, and again after the drain (the ratios are to the mean of both)
    const baselineBefore = await runEngineBaseline(Math.min(BASELINE_EVENTS, TOTAL_EVENTS));

    // 3. the server drains it
    server = await spawnServer({ KAFKA_BROKERS: BROKERS.join(','), KAFKA_TOPIC: topic, KAFKA_GROUP_ID: groupId });
    const readyAt = await waitReady(server);
    const startupS = (readyAt - server.spawnedAt) / 1000;
    const cpuBefore = threadCpu(server.pid);
    const atReady = await readMetrics(server.url);
    process.stdout.write(
      `server pid ${server.pid} ready (consumer joined) after ${startupS.toFixed(1)} s; ${fmt(atReady.stored.kafka ?? 0)} already stored\n`,
    );

    const deadline = readyAt + TIME_CAP_S * 1000;
    let last: ServerMetrics = atReady;
    let lastReport = readyAt;
    let doneAt: number | undefined;
    for (;;) {
      last = await readMetrics(server.url);
      const stored = last.stored.kafka ?? 0;
      const now = performance.now();
      if (stored >= TOTAL_EVENTS) {
        doneAt = now;
        break;
      }
      if (now > deadline) break;
      if (now - lastReport >= 5_000) {
        lastReport = now;
        const s = (now - readyAt) / 1000;
        process.stdout.write(`  ${s.toFixed(0)} s: ${fmt(stored)} stored, ${fmt(stored / s)} events/s\n`);
      }
      await sleep(50);
    }
    const endAt = doneAt ?? performance.now();
    const drainS = (endAt - readyAt) / 1000;
    const spawnToDoneS = (endAt - server.spawnedAt) / 1000;
    const cpuAfter = threadCpu(server.pid);
    const rss = rssMiB(server.pid);
    const stored = last.stored.kafka ?? 0;
    const rejected = last.rejected.kafka ?? 0;
    const serverLog = server.stderrTail();
    const stop = await server.stop();
    server = undefined;
    // the bare engine, on the same machine a moment later: the ratios are what hold on a shared box
    const baselineAfter = await runEngineBaseline(Math.min(BASELINE_EVENTS, Math.max(stored, 20_000)));

    const cpu = cpuBreakdown(cpuBefore, cpuAfter, drainS);
    const rate = stored / drainS;
    const complete = doneAt !== undefined;
    const cpuPerMillion = cpu.total / (stored / 1e6);
    const lines = [
      '',
      '==== ingest-kafka ====',
      `ingest-kafka: ${fmt(stored)} events in ${drainS.toFixed(1)} s = ${fmt(rate)} events/s (backlog of ${fmt(TOTAL_EVENTS)} on ${PARTITIONS} partitions, ${WITH_IDS ? 'each with a unique id' : 'without ids'}, server ready → all stored; server RSS ${rss.rss.toFixed(0)} MiB)`,
      complete
        ? `  all ${fmt(TOTAL_EVENTS)} stored ✓`
        : `  ✗ stopped by the ${TIME_CAP_S} s cap with ${fmt(stored)} of ${fmt(TOTAL_EVENTS)} stored`,
      `  rate counting only what was stored after ready: ${fmt((stored - (atReady.stored.kafka ?? 0)) / drainS)} events/s; spawn → done incl. startup: ${fmt(stored / spawnToDoneS)} events/s`,
      `  time: server spawn → ready ${startupS.toFixed(1)} s (${fmt(atReady.stored.kafka ?? 0)} stored by then); ready → done ${drainS.toFixed(1)} s; spawn → done ${spawnToDoneS.toFixed(1)} s`,
      `  received ${fmt(last.received.kafka ?? 0)}, rejected ${fmt(rejected)}; produced at ${fmt(TOTAL_EVENTS / produced.seconds)} events/s beforehand (per partition ${produced.perPartition.map(fmt).join(' / ')})`,
      `  server RSS at end ${rss.rss.toFixed(0)} MiB (peak ${rss.peak.toFixed(0)} MiB)`,
      `  server CPU: ${cpu.text}; ${cpuPerMillion.toFixed(1)} CPU-s per million events (less sensitive to the shared machine than events/s)`,
      `  server inserts: ${describeBatches(last)}`,
      ...baselineLines(rate, cpuPerMillion, [baselineBefore, baselineAfter]),
      `  server stop (SIGTERM) took ${(stop.stopMs / 1000).toFixed(1)} s, exit ${stop.code ?? stop.signal}`,
      `  ${machineNote()}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (!complete) process.stdout.write(`server log (warn and above), last lines:\n${serverLog}\n`);
    if (!complete || rejected > 0) process.exitCode = 1;
  } finally {
    if (server) await server.stop(5_000);
    try {
      await deleteTopics(admin, [topic, dlqTopic]);
      await admin.deleteGroups([groupId]).catch(() => undefined);
      process.stdout.write(`deleted topics ${topic}, ${dlqTopic} and consumer group ${groupId}\n`);
    } finally {
      await admin.disconnect();
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest-kafka failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
