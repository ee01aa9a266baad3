import { randomUUID } from 'node:crypto';
import { AssignerProtocol, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRng } from '../apps/server/src/demo/generator.ts';
import { KAFKA_BROKERS, waitFor } from './support/harness.ts';
import { waitForValues } from './support/kpi-values.ts';
import { makeWorkspace, startCliServer, waitReady, type CliServer, type ServerWorkspace } from './support/server-process.ts';

/**
 * Issue 17: two `northstar serve` processes in one consumer group over a 6-partition
 * topic, each with its own embedded store, so each stores only the partitions it owns.
 * Every KPI on each instance must equal an independent computation over every event
 * produced: they meet only through the partials topic. Then one instance is killed -9
 * mid-stream; the survivor takes its partitions over and still counts each event once.
 */

const SEED = Number(process.env.SCALE_TEST_SEED ?? 17);
const PARTITIONS = 6;
const CONFIG = `
objectives:
  - { id: scale, name: Scale out, owner: Test Owner, period: 2026-Q4 }
kpis:
  - { id: orders, name: Orders, objective: scale, metric: scale.orders, aggregation: count, window: 1h, target: 1 }
  - { id: revenue, name: Revenue, objective: scale, metric: scale.revenue, aggregation: sum, window: 1h, target: 1 }
  - { id: basket, name: Basket, objective: scale, metric: scale.revenue, aggregation: avg, window: 1h, target: 1 }
  - { id: basket-min, name: Basket min, objective: scale, metric: scale.revenue, aggregation: min, window: 1h, target: 1 }
  - { id: basket-max, name: Basket max, objective: scale, metric: scale.revenue, aggregation: max, window: 1h, target: 1 }
  - { id: latency, name: Latency p95, objective: scale, metric: scale.latency, aggregation: p95, window: 1h, target: 100, direction: lower_is_better }
  - { id: eu-latency, name: EU latency p50, objective: scale, metric: scale.latency, aggregation: p50, window: 1h, target: 100, direction: lower_is_better, filter: { region: eu } }
  - { id: buyers, name: Buyers, objective: scale, metric: scale.orders, aggregation: distinct_count, distinctBy: user, window: 1h, target: 1 }
  - { id: http, name: HTTP events, objective: scale, metric: scale.http, aggregation: count, window: 1h, target: 1 }
  - id: conversion
    name: Conversion
    objective: scale
    window: 1h
    target: 1
    ratio:
      numerator: { metric: scale.conv.paid, aggregation: sum }
      denominator: { metric: scale.conv.visits, aggregation: count }
`;

interface Ev {
  id: string;
  metric: string;
  value: number;
  ts: number;
  dims: Record<string, string>;
}

function makeEvents(rng: () => number, n: number, now: number, prefix: string): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}`;
    const ts = now - Math.floor(rng() * 120_000);
    const kind = rng();
    if (kind < 0.3) out.push({ id, metric: 'scale.orders', value: 1, ts, dims: { user: `u${Math.floor(rng() * 400)}` } });
    else if (kind < 0.55) out.push({ id, metric: 'scale.revenue', value: Math.round(1 + rng() * 19_900) / 100, ts, dims: {} });
    else if (kind < 0.8)
      out.push({ id, metric: 'scale.latency', value: Math.round(Math.exp(rng() * 8)), ts, dims: { region: rng() < 0.5 ? 'eu' : 'us' } });
    else if (kind < 0.9) out.push({ id, metric: 'scale.conv.visits', value: 1, ts, dims: {} });
    else out.push({ id, metric: 'scale.conv.paid', value: Math.round(rng() * 100), ts, dims: {} });
  }
  return out;
}

/** DDSketch's rank: the value at index ⌊q·(n−1)⌋ of the sorted values. */
function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

/** Every KPI's value computed from the events alone. */
function expected(events: Ev[], http: number): Record<string, number> {
  const of = (m: string) => events.filter((e) => e.metric === m);
  const revenue = of('scale.revenue').map((e) => e.value);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    orders: of('scale.orders').length,
    revenue: sum(revenue),
    basket: sum(revenue) / revenue.length,
    'basket-min': Math.min(...revenue),
    'basket-max': Math.max(...revenue),
    latency: quantile(
      of('scale.latency').map((e) => e.value),
      0.95,
    ),
    'eu-latency': quantile(
      of('scale.latency')
        .filter((e) => e.dims.region === 'eu')
        .map((e) => e.value),
      0.5,
    ),
    buyers: new Set(of('scale.orders').map((e) => e.dims.user)).size,
    http,
    conversion: sum(of('scale.conv.paid').map((e) => e.value)) / of('scale.conv.visits').length,
  };
}

/** The quantile KPIs: compared within DDSketch's 1 %. */
const QUANTILES: ReadonlySet<string> = new Set(['latency', 'eu-latency']);

async function waitForAll(server: CliServer, want: Record<string, number>, label: string): Promise<void> {
  await waitForValues(() => fetch(`${server.url}/api/v1/kpis`), want, { label, quantiles: QUANTILES, timeoutMs: 90_000 });
}

describe('several instances, one wall (issue 17)', () => {
  const topic = `scale.events.${randomUUID().slice(0, 8)}`;
  const group = `scale-${randomUUID().slice(0, 8)}`;
  const kafka = new Kafka({ clientId: 'scale-test', brokers: [KAFKA_BROKERS], logLevel: logLevel.NOTHING });
  let admin: Admin;
  let producer: Producer;
  const workspaces: ServerWorkspace[] = [];
  const servers: CliServer[] = [];
  const produced: Ev[] = [];
  const rng = seededRng(SEED);
  let httpEvents = 0;
  /** Partitions of each group member, once both have joined. */
  let owners: number[][] = [];

  const env = {
    KAFKA_BROKERS,
    KAFKA_TOPIC: topic,
    KAFKA_GROUP_ID: group,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
  };

  async function produce(events: Ev[], partitionOf: (e: Ev, i: number) => number): Promise<void> {
    for (let i = 0; i < events.length; i += 2_000) {
      const chunk = events.slice(i, i + 2_000);
      await producer.send({
        topic,
        acks: -1,
        messages: chunk.map((e, j) => ({ key: e.metric, partition: partitionOf(e, i + j), value: JSON.stringify(e) })),
      });
    }
    produced.push(...events);
  }

  beforeAll(async () => {
    console.info(`scale-out: topic ${topic}, seed ${SEED} (SCALE_TEST_SEED replays it)`);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }] });
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let i = 0; i < 2; i++) workspaces.push(makeWorkspace(CONFIG));
    // one after the other: the second one's join moves half the partitions to it
    for (const ws of workspaces) {
      const s = await startCliServer(ws, env);
      servers.push(s);
      await waitReady(s);
    }
    owners = await waitFor(
      async () => {
        const [g] = (await admin.describeGroups([group])).groups;
        if (!g || g.state !== 'Stable' || g.members.length !== 2) return undefined;
        const parts = g.members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? []);
        return parts.every((p) => p.length === PARTITIONS / 2) ? parts : undefined;
      },
      'both instances in the group with three partitions each',
      60_000,
    );
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) await s.terminate().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin
      ?.deleteTopics({ topics: [topic, `${topic}.dlq`, `${topic}.kpi-partials`, `${topic}.ingest-verdicts`] })
      .catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    for (const ws of workspaces) ws.remove();
  });

  it('every KPI on each instance equals an independent computation over all events, a ratio across partitions of both included', async () => {
    const [a, b] = servers as [CliServer, CliServer];
    const [ownedByOne, ownedByOther] = owners as [number[], number[]];
    const events = makeEvents(rng, 24_000, Date.now(), 'p1');
    // the ratio's metrics on partitions of different instances; every other metric spread over all six
    await produce(events, (e, i) =>
      e.metric === 'scale.conv.paid' ? ownedByOne[0]! : e.metric === 'scale.conv.visits' ? ownedByOther[0]! : i % PARTITIONS,
    );
    // HTTP ingest on one instance reaches the other too
    const viaHttp = Array.from({ length: 300 }, (_, i) => ({ metric: 'scale.http', value: 1, id: `h-${i}`, ts: Date.now() }));
    // with Kafka, events with an id are answered once the owners of their partitions have stored
    // them, behind the 24 000 just produced: a 503 verdict_timeout is retried, as a producer does
    // (safe: the ids make it idempotent)
    let status = 0;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const res = await fetch(`${b.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(viaHttp),
      });
      status = res.status;
      if (status !== 503) break;
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
    }
    expect(status).toBeLessThan(300);
    httpEvents += viaHttp.length;
    const want = expected(produced, httpEvents);
    await waitForAll(a, want, 'instance A');
    await waitForAll(b, want, 'instance B');
  }, 180_000);

  it('kill -9 of one instance mid-stream: the survivor takes its partitions over, nothing is lost or counted twice', async () => {
    const [a, b] = servers as [CliServer, CliServer];
    const more = makeEvents(rng, 12_000, Date.now(), 'p2');
    const first = more.slice(0, 6_000);
    const rest = more.slice(6_000);
    await produce(first, (_, i) => i % PARTITIONS);
    // B dies while it is still working through these
    await new Promise((r) => setTimeout(r, 300));
    await b.kill9();
    await produce(rest, (_, i) => i % PARTITIONS);
    await waitForAll(a, expected(produced, httpEvents), 'the survivor');
  }, 180_000);
});
