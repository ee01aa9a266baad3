import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel, type Admin, type Consumer, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KpiListResponse, KpiState } from '@northstar/shared';
import { DLQ_ORIGIN_HEADER, DLQ_REASON_HEADER } from '../apps/server/src/ingest/kafka-consumer.ts';
import { KAFKA_BROKERS, startTestServer, waitFor, type TestServer } from './support/harness.ts';
import { seededRng } from '../apps/server/src/demo/generator.ts';

/**
 * The Kafka source end to end: a real broker, the real server (consumer group → chdb →
 * evaluator), checked from the outside: the store through the server's own client,
 * the KPIs through the HTTP API, rejects through the DLQ topic and `rejected_events`.
 */

const PARTITIONS = 3;
const EVENT_COUNT = 10_000;
const BATCHES = 10;
/** The KPIs' window (TEST_CONFIG: 1h), for the rate: sum per second over the whole window. */
const WINDOW_SECONDS = 3600;
/** DDSketch's relative accuracy as configured in rolling-window.ts. */
const SKETCH_RELATIVE_ACCURACY = 0.01;

interface ProducedEvent {
  id: string;
  metric: 'test.orders' | 'test.revenue' | 'test.latency';
  value: number;
  ts: number;
}

const SEED = Number(process.env.KAFKA_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));
const random = seededRng(SEED);

function makeEvents(n: number, nowMs: number): ProducedEvent[] {
  const out: ProducedEvent[] = [];
  for (let i = 0; i < n; i++) {
    const kind = Math.floor(random() * 3);
    // within the last 5 minutes: every event falls in the current 1h window, none in the future
    const ts = nowMs - Math.floor(random() * 5 * 60_000);
    const id = randomUUID();
    if (kind === 0) out.push({ id, metric: 'test.orders', value: 1, ts });
    else if (kind === 1)
      out.push({
        id,
        metric: 'test.revenue',
        value: (100 + Math.floor(random() * 19_901)) / 100,
        ts,
      });
    else
      out.push({
        id,
        metric: 'test.latency',
        value: 10 + Math.floor(random() * 991),
        ts,
      });
  }
  return out;
}

/**
 * Keying by metric is the design (per-metric order), but three metric names need not
 * hash onto three partitions. Ask kafkajs's own partitioner where each metric lands;
 * when they do not cover every partition, key by event id so the test exercises all of them.
 */
function chooseKey(topic: string): (e: ProducedEvent) => string {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({
    partitionId,
    partitionErrorCode: 0,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  const metrics: ProducedEvent['metric'][] = ['test.orders', 'test.revenue', 'test.latency'];
  const hit = new Set(metrics.map((key) => partitioner({ topic, partitionMetadata, message: { key, value: '' } })));
  return hit.size === PARTITIONS ? (e) => e.metric : (e) => e.id;
}

function toMessage(e: ProducedEvent, key: (e: ProducedEvent) => string): Message {
  return {
    key: key(e),
    value: JSON.stringify({
      metric: e.metric,
      value: e.value,
      ts: e.ts,
      id: e.id,
    }),
  };
}

async function produceInBatches(
  producer: Producer,
  topic: string,
  events: ProducedEvent[],
  key: (e: ProducedEvent) => string,
): Promise<void> {
  const size = Math.ceil(events.length / BATCHES);
  for (let i = 0; i < events.length; i += size) {
    await producer.send({
      topic,
      acks: -1,
      messages: events.slice(i, i + size).map((e) => toMessage(e, key)),
    });
  }
}

async function queryRows<T>(server: TestServer, query: string): Promise<T[]> {
  const result = await server.clickhouse.query({
    query,
    format: 'JSONEachRow',
  });
  return result.json<T>();
}

async function storedCounts(server: TestServer): Promise<{ count: number; unique: number }> {
  const [row] = await queryRows<{ c: string; u: string }>(server, 'SELECT count() AS c, uniqExact(id) AS u FROM events');
  return { count: Number(row?.c ?? 0), unique: Number(row?.u ?? 0) };
}

/** Waits for the store to reach `expected` rows, then gives late duplicates time to show up. */
async function waitForStableCount(server: TestServer, expected: number): Promise<{ count: number; unique: number; stableAt: number }> {
  await waitFor(async () => ((await storedCounts(server)).count >= expected ? true : undefined), `${expected} rows in events`, 60_000);
  // a redelivered batch would arrive after the first copy: look again a little later
  await new Promise((r) => setTimeout(r, 2_000));
  const counts = await storedCounts(server);
  return { ...counts, stableAt: Date.now() };
}

/** KPI states evaluated after `afterMs`, i.e. after everything stored by then was observed. */
async function kpiStatesAfter(server: TestServer, afterMs: number): Promise<Map<string, KpiState>> {
  return waitFor(async () => {
    const res = await fetch(`${server.url}/api/v1/kpis`);
    if (!res.ok) throw new Error(`GET /api/v1/kpis: ${res.status}`);
    const body = (await res.json()) as KpiListResponse;
    if (!body.kpis.every((k) => k.state.evaluatedAt > afterMs)) return undefined;
    return new Map(body.kpis.map((k) => [k.id, k.state]));
  }, 'a KPI evaluation after the store settled');
}

interface Expected {
  orders: number;
  revenueSum: number;
  revenueAvg: number;
  revenueMin: number;
  revenueMax: number;
  revenueRate: number;
  latencySorted: number[];
}

/** The reference: computed from what the test produced, not from anything the server says. */
function expectedKpis(events: readonly ProducedEvent[]): Expected {
  const revenue = events.filter((e) => e.metric === 'test.revenue').map((e) => e.value);
  // sum in integer cents: exact, so only the server's float accumulation contributes error
  const revenueSum = revenue.reduce((s, v) => s + Math.round(v * 100), 0) / 100;
  return {
    orders: events.filter((e) => e.metric === 'test.orders').length,
    revenueSum,
    revenueAvg: revenueSum / revenue.length,
    revenueMin: Math.min(...revenue),
    revenueMax: Math.max(...revenue),
    revenueRate: revenueSum / WINDOW_SECONDS,
    latencySorted: events
      .filter((e) => e.metric === 'test.latency')
      .map((e) => e.value)
      .sort((a, b) => a - b),
  };
}

function valueOf(states: Map<string, KpiState>, id: string): number {
  const value = states.get(id)?.value;
  if (typeof value !== 'number') throw new Error(`KPI ${id} has no value (${JSON.stringify(states.get(id))})`);
  return value;
}

function expectKpisMatch(states: Map<string, KpiState>, events: readonly ProducedEvent[]): void {
  const want = expectedKpis(events);
  expect(valueOf(states, 'orders')).toBe(want.orders);
  // ~3 300 float additions of values up to 200: the accumulated rounding error stays far below 1e-5
  expect(valueOf(states, 'revenue')).toBeCloseTo(want.revenueSum, 5);
  expect(valueOf(states, 'basket')).toBeCloseTo(want.revenueAvg, 8);
  expect(valueOf(states, 'basket-min')).toBe(want.revenueMin);
  expect(valueOf(states, 'basket-max')).toBe(want.revenueMax);
  expect(valueOf(states, 'revenue-rate')).toBeCloseTo(want.revenueRate, 8);

  // p95 comes from a DDSketch, which guarantees only that the answer is within 1 %
  // (relative) of the value at the requested rank. Its rank is q·(n−1), so the exact
  // 95th percentile lies between the sorted values at floor and ceil of that rank;
  // the sketch's answer must be within 1 % of that interval.
  const sorted = want.latencySorted;
  const rank = 0.95 * (sorted.length - 1);
  const low = sorted[Math.floor(rank)]!;
  const high = sorted[Math.ceil(rank)]!;
  const p95 = valueOf(states, 'latency-p95');
  expect(p95).toBeGreaterThanOrEqual(low * (1 - SKETCH_RELATIVE_ACCURACY));
  expect(p95).toBeLessThanOrEqual(high * (1 + SKETCH_RELATIVE_ACCURACY));
}

/** Collects every DLQ message so assertions can wait for the ones they expect. */
async function startDlqReader(kafka: Kafka, dlqTopic: string, groupId: string): Promise<{ consumer: Consumer; messages: KafkaMessage[] }> {
  const consumer = kafka.consumer({ groupId });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: dlqTopic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => void messages.push(message),
  });
  return { consumer, messages };
}

function header(message: KafkaMessage, name: string): string | undefined {
  const raw = message.headers?.[name];
  return raw === undefined ? undefined : Array.isArray(raw) ? raw.map(String).join(',') : String(raw);
}

async function ignoreErrors(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch {
    // cleanup must not hide the test's own failure
  }
}

describe('Kafka ingest', () => {
  const runId = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const topic = `northstar.test.${runId}`;
  const dlqTopic = `${topic}.dlq`;
  const group = `northstar-test-${runId}`;
  const kafka = new Kafka({
    clientId: 'northstar-test',
    brokers: KAFKA_BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const key = chooseKey(topic);
  const produced: ProducedEvent[] = [];
  let admin: Admin;
  let producer: Producer;
  let dlq: { consumer: Consumer; messages: KafkaMessage[] } | undefined;
  let server: TestServer | undefined;

  beforeAll(async () => {
    console.info(`kafka-ingest: topic ${topic}, seed ${SEED} (KAFKA_TEST_SEED replays it)`);
    admin = kafka.admin();
    await admin.connect();
    // created here with 3 partitions, before the server could create them with its own defaults
    const created = await admin.createTopics({
      waitForLeaders: true,
      topics: [topic, dlqTopic].map((t) => ({
        topic: t,
        numPartitions: PARTITIONS,
        replicationFactor: 1,
      })),
    });
    expect(created).toBe(true);
    producer = kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    server = await startTestServer({
      env: { KAFKA_BROKERS, KAFKA_TOPIC: topic, KAFKA_GROUP_ID: group },
    });
  });

  afterAll(async () => {
    await ignoreErrors(async () => server?.stop());
    await ignoreErrors(async () => dlq?.consumer.disconnect());
    await ignoreErrors(async () => producer?.disconnect());
    await ignoreErrors(async () => admin?.deleteTopics({ topics: [topic, dlqTopic] }));
    await ignoreErrors(async () => admin?.disconnect());
  });

  it('stores 10 000 events exactly once, from every partition, and the KPIs match an independent computation', async () => {
    const s = server!;
    const events = makeEvents(EVENT_COUNT, Date.now());
    produced.push(...events);
    await produceInBatches(producer, topic, events, key);

    // every partition got a share, so the consumer's per-partition commits are all exercised
    const offsets = await admin.fetchTopicOffsets(topic);
    const used = offsets.filter((p) => Number(p.high) > 0);
    expect(used.length).toBeGreaterThanOrEqual(PARTITIONS);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(EVENT_COUNT);

    const stored = await waitForStableCount(s, EVENT_COUNT);
    expect(stored.count).toBe(EVENT_COUNT);
    expect(stored.unique).toBe(EVENT_COUNT);

    // the store holds exactly what was produced, value for value
    const [sums] = await queryRows<{ orders: string; revenue_cents: string }>(
      s,
      "SELECT countIf(metric = 'test.orders') AS orders, sumIf(toInt64(round(value * 100)), metric = 'test.revenue') AS revenue_cents FROM events",
    );
    const want = expectedKpis(events);
    expect(Number(sums?.orders)).toBe(want.orders);
    expect(Number(sums?.revenue_cents)).toBe(Math.round(want.revenueSum * 100));

    expectKpisMatch(await kpiStatesAfter(s, stored.stableAt), produced);
  });

  it('sends malformed messages to the DLQ and rejected_events and keeps consuming after them', async () => {
    const s = server!;
    const before = await waitForStableCount(s, produced.length);
    expect(before.count).toBe(produced.length);
    const ordersBefore = valueOf(await kpiStatesAfter(s, before.stableAt), 'orders');
    dlq = await startDlqReader(kafka, dlqTopic, `${group}-dlq-reader`);

    // All on one partition: the valid events after each poison message share its
    // partition, so they are stored only if the consumer moved past it.
    const partition = 1;
    const badValue = JSON.stringify({ metric: 'test.orders', value: 'oops' });
    const notJson = 'this is {not json';
    const head = makeEvents(20, Date.now());
    const middle = makeEvents(20, Date.now());
    const tail = makeEvents(200, Date.now());
    const onPartition = (events: ProducedEvent[]): Message[] => events.map((e) => ({ ...toMessage(e, key), partition }));
    await producer.send({
      topic,
      acks: -1,
      messages: [
        ...onPartition(head),
        { key: 'bad-1', value: badValue, partition },
        ...onPartition(middle),
        { key: 'bad-2', value: notJson, partition },
      ],
    });
    // a separate send: the tail reaches the consumer in a later fetch than the poison messages
    await producer.send({ topic, acks: -1, messages: onPartition(tail) });
    const after = [...head, ...middle, ...tail];
    produced.push(...after);

    // (a) both bad messages on the DLQ, unchanged, each with a reason naming the problem
    const dead = await waitFor(() => (dlq!.messages.length >= 2 ? dlq!.messages : undefined), 'two messages on the DLQ');
    const deadByValue = new Map(dead.map((m) => [m.value?.toString('utf8'), m]));
    expect(dead).toHaveLength(2);
    expect(header(deadByValue.get(badValue)!, DLQ_REASON_HEADER)).toMatch(/value/);
    expect(header(deadByValue.get(notJson)!, DLQ_REASON_HEADER)).toMatch(/JSON/);
    expect(deadByValue.get(badValue)!.key?.toString()).toBe('bad-1');
    for (const m of dead) expect(header(m, DLQ_ORIGIN_HEADER)).toMatch(new RegExp(`^${topic.replace(/\./g, '\\.')}/${partition}@\\d+$`));

    // (b) the same two in rejected_events, with the same reasons and origins
    const rejected = await waitFor(async () => {
      const rows = await queryRows<{
        location: string;
        reason: string;
        raw: string;
      }>(s, "SELECT location, reason, raw FROM rejected_events WHERE source = 'kafka' ORDER BY location");
      return rows.length >= 2 ? rows : undefined;
    }, 'two rows in rejected_events');
    expect(rejected).toHaveLength(2);
    const rejectedByRaw = new Map(rejected.map((r) => [r.raw, r]));
    expect(rejectedByRaw.get(badValue)?.reason).toBe(header(deadByValue.get(badValue)!, DLQ_REASON_HEADER));
    expect(rejectedByRaw.get(notJson)?.reason).toBe(header(deadByValue.get(notJson)!, DLQ_REASON_HEADER));
    expect(rejectedByRaw.get(badValue)?.location).toBe(header(deadByValue.get(badValue)!, DLQ_ORIGIN_HEADER));
    expect(rejectedByRaw.get(notJson)?.location).toBe(header(deadByValue.get(notJson)!, DLQ_ORIGIN_HEADER));

    // (c) the valid events around the bad ones are stored, exactly once, and counted on the wall
    const stored = await waitForStableCount(s, produced.length);
    expect(stored.count - before.count).toBe(after.length);
    expect(stored.unique).toBe(produced.length);
    const states = await kpiStatesAfter(s, stored.stableAt);
    expect(valueOf(states, 'orders') - ordersBefore).toBe(after.filter((e) => e.metric === 'test.orders').length);
    expectKpisMatch(states, produced);
  });

  it('gives an event without ts its message timestamp, so a redelivery carries the same ts and is dropped by id', async () => {
    const s = server!;
    const producedAt = Date.now() - 10 * 60_000;
    const message = {
      key: 'no-ts',
      value: JSON.stringify({ metric: 'test.notime', value: 1, id: 'no-ts-1' }),
      timestamp: String(producedAt),
    };
    await producer.send({ topic, acks: -1, messages: [message] });
    const rows = await waitFor(async () => {
      const r = await queryRows<{ ts: string }>(s, "SELECT toUnixTimestamp64Milli(ts) AS ts FROM events WHERE metric = 'test.notime'");
      return r.length > 0 ? r : undefined;
    }, 'the event without ts');
    expect(rows.map((r) => Number(r.ts))).toEqual([producedAt]);
    // the same message again (a producer retry): same ts, same id, not stored twice
    await producer.send({ topic, acks: -1, messages: [message] });
    await waitFor(async () => {
      const res = await fetch(`${s.url}/metrics`);
      const m = /^northstar_events_duplicate_total\{source="kafka"\} (\S+)$/m.exec(await res.text());
      return m && Number(m[1]) >= 1 ? true : undefined;
    }, 'the repeat to be read and dropped');
    const [again] = await queryRows<{ n: string }>(s, "SELECT count() AS n FROM events WHERE metric = 'test.notime'");
    expect(Number(again?.n)).toBe(1);
  });
});
