import type { ClickHouseClient } from '@clickhouse/client';
import type { Browser, Page } from 'playwright-core';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '@northstar/shared';
import { launchChromium, signIn } from './support/browser.ts';
import {
  ClusterUpError,
  groupAssignment,
  instanceMetric,
  lagPartitions,
  OWNERS_GROUP,
  OWNERS_TOPIC,
  PARTS,
  portFree,
  CLUSTER_TOPIC,
  startCluster,
  type Cluster,
  type PartName,
} from './support/cluster.ts';
import { waitFor, type TestServer } from './support/harness.ts';
import { waitForValues } from './support/kpi-values.ts';
import { startOncallReceiver, type OncallReceiver } from './support/oncall.ts';

/**
 * Issue 17.6: the cluster of `scripts/cluster.sh` (three KRaft brokers, topics with replication
 * factor 3 and min.insync.replicas 2, one `northstar store`, three `northstar serve` with sign-in
 * on) under the scenarios a person running several instances meets: one cluster for the file,
 * started once, stopped in afterAll. The scenarios use metrics of their own, so each one's
 * figures are its own; the one that kills an instance runs last.
 */

const SESSION_TIMEOUT_MS = 10_000;
const PARTITIONS = 6;
const WEBHOOK_SECRET = 'cluster-webhook-secret-0123456789';

const config = (receiver: string) => `
objectives:
  - { id: cluster, name: Run as a cluster, owner: Test Owner, period: 2026-Q4 }
kpis:
  - { id: orders, name: Orders, objective: cluster, metric: a.orders, aggregation: count, window: 1h, target: 1 }
  - { id: revenue, name: Revenue, objective: cluster, metric: a.revenue, aggregation: sum, window: 1h, target: 1 }
  - { id: basket, name: Basket, objective: cluster, metric: a.revenue, aggregation: avg, window: 1h, target: 1 }
  - { id: basket-min, name: Basket min, objective: cluster, metric: a.revenue, aggregation: min, window: 1h, target: 1 }
  - { id: basket-max, name: Basket max, objective: cluster, metric: a.revenue, aggregation: max, window: 1h, target: 1 }
  - { id: latency, name: Latency p95, objective: cluster, metric: a.latency, aggregation: p95, window: 1h, target: 100, direction: lower_is_better }
  - { id: buyers, name: Buyers, objective: cluster, metric: a.orders, aggregation: distinct_count, distinctBy: user, window: 1h, target: 1 }
  - id: conversion
    name: Conversion
    objective: cluster
    window: 1h
    target: 1
    ratio:
      numerator: { metric: a.paid, aggregation: sum }
      denominator: { metric: a.visits, aggregation: count }
  - { id: far, name: Far away, objective: cluster, metric: d.far, aggregation: count, window: 1h, target: 1 }
  - { id: through-outage, name: Through an outage, objective: cluster, metric: c.events, aggregation: count, window: 1h, target: 1 }
  - { id: errors, name: Error cost, objective: cluster, metric: e.errors, aggregation: avg, window: 1h, target: 10, direction: lower_is_better }
  - { id: stream, name: Stream, objective: cluster, metric: b.events, aggregation: count, window: 1h, target: 1 }
  - { id: beat, name: Beat, objective: cluster, metric: b.beat, aggregation: count, window: 1h, target: 1 }
rules:
  - { id: too-many-errors, name: Too many errors, kpis: [errors], severity: critical, condition: { type: threshold, op: '>', value: 50 } }
notifications:
  channels:
    - { id: hook, type: webhook, url: '${receiver}/webhook', secret: '${WEBHOOK_SECRET}' }
  routes:
    - { match: { severity: [critical] }, channels: [hook], groupWait: 0s, repeatInterval: 1h }
`;

interface Ev {
  id: string;
  metric: string;
  value: number;
  ts: number;
  dims?: Record<string, string>;
}

/** A small seeded generator (mulberry32), so a failing run can be replayed with CLUSTER_TEST_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.CLUSTER_TEST_SEED ?? 1717);
const random = rng(SEED);

let receiver: OncallReceiver;
let cluster: Cluster;
let store: ClickHouseClient;
let producer: Producer;
let browser: Browser | undefined;
let page: Page;
/** The partitions each instance (1, 2, 3) consumes, checked against the group's assignment. */
let owned: Map<number, number[]>;
/** The instance that released the rule's firing (scenario e): the one scenario b kills. */
let ruleOwner: number;
const ALERT_KEY = 'too-many-errors/errors/';

const started = Date.now();
/** Progress on the console: a scenario that times out says how far it got. */
function step(what: string): void {
  console.info(`cluster test +${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
}

async function produce(events: Ev[], partitionOf: (e: Ev, i: number) => number): Promise<void> {
  for (let i = 0; i < events.length; i += 5_000) {
    const chunk = events.slice(i, i + 5_000);
    await producer.send({
      topic: CLUSTER_TOPIC,
      acks: -1,
      messages: chunk.map((e, j) => ({ key: e.id, partition: partitionOf(e, i + j), value: JSON.stringify(e) })),
    });
  }
}

/** The quantile KPIs: compared within DDSketch's 1 %. */
const QUANTILES: ReadonlySet<string> = new Set(['latency']);

async function waitForKpis(instances: number[], want: Record<string, number>, timeoutMs = 120_000): Promise<void> {
  for (const n of instances) {
    await waitForValues(() => cluster.api(n, '/api/v1/kpis'), want, { label: `instance ${n}`, quantiles: QUANTILES, timeoutMs });
  }
}

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const r = await store.query({ query, query_params: params, format: 'JSONEachRow' });
  return r.json<T>();
}

/** How many rows and distinct ids of `metric` the store holds. */
async function stored(metric: string): Promise<{ n: number; ids: number }> {
  const [r] = await rows<{ n: string; ids: string }>('SELECT count() AS n, uniqExact(id) AS ids FROM events WHERE metric = {m:String}', {
    m: metric,
  });
  return { n: Number(r!.n), ids: Number(r!.ids) };
}

async function waitStored(metric: string, want: number, timeoutMs = 120_000): Promise<void> {
  let last = { n: 0, ids: 0 };
  await waitFor(
    async () => {
      last = await stored(metric);
      return last.n >= want ? true : undefined;
    },
    `${want} ${metric} events in the store`,
    timeoutMs,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (has ${last.n})`, { cause: err });
  });
  // nothing counted twice: once every event is in, no row more and no id twice
  expect(await stored(metric)).toEqual({ n: want, ids: want });
}

/** How many transitions of the rule's alert to `to` the instances stored (each is released by its owner only). */
async function storedTransitions(to: string): Promise<number> {
  const [r] = await rows<{ n: string }>('SELECT count() AS n FROM alert_transitions WHERE key = {k:String} AND to_state = {to:String}', {
    k: ALERT_KEY,
    to,
  });
  return Number(r!.n);
}

/** Webhooks an instance delivered (`ok` "true"), or recognised as sent already by another (`ok` "already-sent"). */
const notified = (n: number, ok: 'true' | 'already-sent') =>
  instanceMetric(cluster, n, 'northstar_notifications_total', { channel: 'hook', ok });

async function alertState(n: number): Promise<string | undefined> {
  const alerts = (await (await cluster.api(n, '/api/v1/alerts')).json()) as Array<{ key: string; state: string }>;
  return alerts.find((a) => a.key === ALERT_KEY)?.state;
}

async function waitForAlert(instances: number[], state: string): Promise<void> {
  for (const n of instances) {
    await waitFor(async () => ((await alertState(n)) === state ? true : undefined), `the alert ${state} on instance ${n}`, 60_000);
  }
}

async function tileText(on: Page, kpi: string): Promise<string> {
  return (await on.getByTestId(`tile-${kpi}`).getByTestId('tile-value').innerText()).trim();
}

async function waitForTile(kpi: string, value: number, what: string, on: Page = page): Promise<void> {
  const want = formatValue(value, '');
  let last = '';
  await waitFor(
    async () => {
      last = await tileText(on, kpi);
      return last === want ? true : undefined;
    },
    what,
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}: the tile shows "${last}", want "${want}"`, { cause: err });
  });
}

beforeAll(async () => {
  console.info(`cluster test: seed ${SEED} (CLUSTER_TEST_SEED replays it)`);
  receiver = await startOncallReceiver('cluster-pd-routing-key-0123456789', 'cluster-genie-key-0123456789');
  step('receiver up; starting the cluster');
  cluster = await startCluster({ config: config(receiver.base), env: { KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) } });
  step('cluster up');
  store = cluster.store();
  const kafka = cluster.kafka();
  producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const assignment = await waitFor(() => groupAssignment(kafka, 3), 'the three instances in one stable group', 120_000);
  expect(assignment.map((p) => p.length)).toEqual([2, 2, 2]);
  // which instance is which member: a probe on every partition, then the partitions each reports lag for
  await produce(
    Array.from({ length: PARTITIONS }, (_, p) => ({ id: `probe-${p}`, metric: 'probe', value: 1, ts: Date.now() })),
    (_, i) => i,
  );
  owned = await waitFor(
    async () => {
      const m = new Map<number, number[]>();
      for (const n of [1, 2, 3]) m.set(n, await lagPartitions(cluster, n));
      return [...m.values()].flat().length === PARTITIONS ? m : undefined;
    },
    'each instance to take its probes',
    60_000,
  );
  // the map agrees with the group: no partition on two instances, each instance one member's set
  const now = await groupAssignment(kafka, 3);
  expect(new Set([...owned.values()].map((p) => p.join(',')))).toEqual(new Set(now?.map((p) => p.join(','))));
  browser = await launchChromium();
  page = await signedIn(1);
}, 480_000);

/** A page of its own browser context, signed in on instance `n` as the admin the script made. */
async function signedIn(n: number): Promise<Page> {
  const p = await (await browser!.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  await signIn(p, { url: cluster.instances[n - 1] } as TestServer, 'admin', cluster.adminPassword);
  return p;
}

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await cluster?.down();
  receiver?.stop();
}, 240_000);

describe('a local cluster: three brokers, one store, three instances (issue 17.6)', () => {
  it('a: 100 000 events over 6 partitions: every KPI on every instance equals a computation from the store', async () => {
    const now = Date.now();
    const events: Ev[] = [];
    for (let i = 0; i < 100_000; i++) {
      const id = `a-${i}`;
      const ts = now - Math.floor(random() * 120_000);
      const k = random();
      if (k < 0.3) events.push({ id, metric: 'a.orders', value: 1, ts, dims: { user: `u${Math.floor(random() * 800)}` } });
      else if (k < 0.55) events.push({ id, metric: 'a.revenue', value: Math.round(1 + random() * 19_900) / 100, ts });
      else if (k < 0.8) events.push({ id, metric: 'a.latency', value: Math.round(Math.exp(random() * 8)), ts });
      else if (k < 0.9) events.push({ id, metric: 'a.visits', value: 1, ts });
      else events.push({ id, metric: 'a.paid', value: Math.round(random() * 100), ts });
    }
    // the ratio's two metrics on partitions of two different instances; the rest over all six
    const [one, two] = [owned.get(1)![0]!, owned.get(2)![0]!];
    await produce(events, (e, i) => (e.metric === 'a.paid' ? one : e.metric === 'a.visits' ? two : i % PARTITIONS));
    const metrics = ['a.orders', 'a.revenue', 'a.latency', 'a.visits', 'a.paid'];
    const perMetric = new Map(metrics.map((m) => [m, events.filter((e) => e.metric === m).length]));
    for (const m of metrics) await waitStored(m, perMetric.get(m)!);

    // the independent computation: SQL on the store server, quantile ranks over the stored values
    const agg = Object.fromEntries(
      (
        await rows<{ metric: string; n: string; s: number; lo: number; hi: number; users: string }>(
          `SELECT metric, count() AS n, sum(value) AS s, min(value) AS lo, max(value) AS hi, uniqExact(dims['user']) AS users
           FROM events WHERE metric IN {ms:Array(String)} GROUP BY metric`,
          { ms: metrics },
        )
      ).map((r) => [r.metric, r]),
    );
    const [{ vs }] = (await rows<{ vs: number[] }>("SELECT arraySort(groupArray(value)) AS vs FROM events WHERE metric = 'a.latency'")) as [
      { vs: number[] },
    ];
    const want = {
      orders: Number(agg['a.orders']!.n),
      revenue: agg['a.revenue']!.s,
      basket: agg['a.revenue']!.s / Number(agg['a.revenue']!.n),
      'basket-min': agg['a.revenue']!.lo,
      'basket-max': agg['a.revenue']!.hi,
      // DDSketch's rank: the value at index ⌊q·(n−1)⌋ of the sorted values
      latency: vs[Math.floor(0.95 * (vs.length - 1))]!,
      buyers: Number(agg['a.orders']!.users),
      conversion: agg['a.paid']!.s / Number(agg['a.visits']!.n),
    };
    await waitForKpis([1, 2, 3], want);
  }, 240_000);

  it('d: a browser on instance 1 sees a KPI whose events all land on a partition instance 2 owns', async () => {
    const far = owned.get(2)![0]!;
    expect(owned.get(1)).not.toContain(far);
    await page.goto(`${cluster.instances[0]}/`);
    await page.getByTestId('tile-far').waitFor();
    const at = Date.now();
    await produce(
      Array.from({ length: 7 }, (_, i) => ({ id: `d-${i}`, metric: 'd.far', value: 1, ts: at })),
      () => far,
    );
    await waitForTile('far', 7, 'instance 1 to show the 7 events of partition ' + far);
    await produce(
      Array.from({ length: 5 }, (_, i) => ({ id: `d-more-${i}`, metric: 'd.far', value: 1, ts: Date.now() })),
      () => far,
    );
    await waitForTile('far', 12, 'instance 1 to show 5 more');
    await waitStored('d.far', 12);
    // the partition stayed instance 2's all along: instance 1 never consumed it
    expect(await lagPartitions(cluster, 1)).toEqual(owned.get(1));
  }, 120_000);

  it('c: one broker of three stopped mid-stream: the stream goes on and the counts stay exact; it rejoins', async () => {
    const at = Date.now();
    const events = Array.from({ length: 20_000 }, (_, i) => ({ id: `c-${i}`, metric: 'c.events', value: 1, ts: at - (i % 60_000) }));
    await produce(events.slice(0, 10_000), (_, i) => i % PARTITIONS);
    step('c: 10 000 produced; stopping kafka-2');
    await cluster.stop('kafka-2');
    step('c: kafka-2 stopped');
    // with two of three replicas in sync (min.insync.replicas 2), acks=all writes still succeed
    await produce(events.slice(10_000), (_, i) => i % PARTITIONS);
    step('c: 10 000 more produced');
    await waitStored('c.events', 20_000);
    step('c: all stored');
    await waitForKpis([1, 2, 3], { 'through-outage': 20_000 });
    step('c: shown on every instance');
    for (const n of [1, 2, 3]) expect((await cluster.api(n, '/readyz')).ok).toBe(true);
    await cluster.start('kafka-2');
    step('c: kafka-2 started');
    // back in sync: every partition of the events topic has its three replicas in the ISR again
    const admin = cluster.kafka().admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const meta = await admin.fetchTopicMetadata({ topics: [CLUSTER_TOPIC] });
          return meta.topics[0]!.partitions.every((p) => p.isr.length === 3) ? true : undefined;
        },
        'kafka-2 back in every ISR',
        120_000,
      );
    } finally {
      await admin.disconnect();
    }
  }, 300_000);

  it('e: one owner per alert rule: the firing reaches the webhook once from three instances that all see it', async () => {
    const kafka = cluster.kafka();
    // the rule-owner group hands its 12 partitions out, 4 to each instance, none to two
    const owners = await waitFor(
      () => groupAssignment(kafka, 3, OWNERS_GROUP, OWNERS_TOPIC),
      'the three instances in the rule-owner group',
      60_000,
    );
    expect(owners.map((p) => p.length)).toEqual([4, 4, 4]);
    expect(owners.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // and each instance releases the rules of the partitions it was handed, no more
    // (each sets its gauge when its join completes, a moment after the group turns stable)
    let held: number[] = [];
    await waitFor(
      async () => {
        held = await Promise.all([1, 2, 3].map((n) => instanceMetric(cluster, n, 'northstar_alert_owned_partitions')));
        return held.every((h) => h === 4) ? true : undefined;
      },
      'each instance holding its 4 rule partitions',
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: the instances hold ${held.join(', ')}`, { cause: err });
    });

    // an average over events spread on every partition: every instance computes it from everyone's partials
    await produce(
      Array.from({ length: 12 }, (_, i) => ({ id: `e-${i}`, metric: 'e.errors', value: 100, ts: Date.now() })),
      (_, i) => i % PARTITIONS,
    );
    const first = await waitFor(
      async () => {
        const st = await receiver.state();
        return st.webhook.deliveries.length > 0 ? st : undefined;
      },
      'the firing at the webhook',
      90_000,
    );
    // every instance sees the rule fire …
    await waitForAlert([1, 2, 3], 'alerting');
    // … long enough for each to have released the transition had it evaluated the rule as its own
    await new Promise((r) => setTimeout(r, 5_000));
    const after = await receiver.state();
    expect(after.webhook.deliveries).toHaveLength(1);
    expect(after.webhook.accepted).toEqual([first.webhook.deliveries[0]!.header]);
    // … and exactly one sent it and stored the transition
    const sentBy = await Promise.all([1, 2, 3].map((n) => notified(n, 'true')));
    expect([...sentBy].sort()).toEqual([0, 0, 1]);
    expect(await storedTransitions('alerting')).toBe(1);
    ruleOwner = sentBy.indexOf(1) + 1;
    step(`e: instance ${ruleOwner} owns the rule`);
  }, 180_000);

  it('b: kill -9 of the rule owner mid-stream: its partitions move within the session timeout, nothing lost or twice, signed-in browsers on both survivors keep updating, the alert fires no more and resolves once', async () => {
    const victim = ruleOwner;
    const survivors = [1, 2, 3].filter((n) => n !== victim);
    const moved = owned.get(victim)!;
    const pages = await Promise.all(survivors.map((n) => (n === 1 ? page : signedIn(n))));
    for (const [i, p] of pages.entries()) {
      await p.goto(`${cluster.instances[survivors[i]! - 1]}/`);
      await p.getByTestId('tile-beat').waitFor();
    }
    const at = Date.now();
    const events = Array.from({ length: 30_000 }, (_, i) => ({ id: `b-${i}`, metric: 'b.events', value: 1, ts: at - (i % 60_000) }));
    await produce(events.slice(0, 10_000), (_, i) => i % PARTITIONS);
    process.kill(cluster.pid(`serve-${victim}` as PartName)!, 'SIGKILL');
    const killedAt = Date.now();
    step(`b: serve-${victim} killed`);
    await produce(events.slice(10_000), (_, i) => i % PARTITIONS);
    const kafka = cluster.kafka();
    const left = await waitFor(() => groupAssignment(kafka, 2), 'two instances sharing the six partitions', 60_000);
    const movedAfterMs = Date.now() - killedAt;
    console.info(`cluster test: partitions moved ${movedAfterMs} ms after the kill -9 (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    expect(left.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    // the coordinator waits out the session timeout, then the survivors rejoin on their next heartbeat
    expect(movedAfterMs).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + 15_000);
    await waitStored('b.events', 30_000);
    await waitForKpis(survivors, { stream: 30_000 });
    // the browsers on the survivors keep updating with events on the partitions the killed instance had
    for (const [round, total] of [
      [0, 2],
      [1, 4],
    ] as const) {
      await produce(
        moved.map((p) => ({ id: `beat-${round}-${p}`, metric: 'b.beat', value: 1, ts: Date.now() })),
        (_, i) => moved[i]!,
      );
      for (const [i, p] of pages.entries())
        await waitForTile('beat', total, `the browser on instance ${survivors[i]} to show ${total} beats`, p);
    }

    // the rule moved to a survivor, which rebuilt the alert from the store: the firing it takes over is known as sent
    const rules = await waitFor(
      () => groupAssignment(kafka, 2, OWNERS_GROUP, OWNERS_TOPIC),
      'the survivors sharing the rule partitions',
      60_000,
    );
    expect(rules.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    await waitFor(
      async () => ((await Promise.all(survivors.map((n) => notified(n, 'already-sent')))).some((x) => x >= 1) ? true : undefined),
      'the taken-over firing recognised as sent',
      60_000,
    );
    expect((await receiver.state()).webhook.deliveries).toHaveLength(1);
    expect(await storedTransitions('alerting')).toBe(1);
    // the average comes down: the resolve goes out once, from the survivor that owns the rule now
    await produce(
      Array.from({ length: 240 }, (_, i) => ({ id: `e-ok-${i}`, metric: 'e.errors', value: 0, ts: Date.now() })),
      (_, i) => i % PARTITIONS,
    );
    const resolved = await waitFor(
      async () => {
        const st = await receiver.state();
        return st.webhook.deliveries.length >= 2 ? st : undefined;
      },
      'the resolve at the webhook',
      90_000,
    );
    await waitForAlert(survivors, 'normal');
    await new Promise((r) => setTimeout(r, 5_000));
    const end = await receiver.state();
    expect(end.webhook.deliveries).toHaveLength(2);
    expect(end.webhook.accepted).toEqual(resolved.webhook.deliveries.map((d) => d.header));
    expect(new Set(end.webhook.accepted).size).toBe(2);
    expect((await Promise.all(survivors.map((n) => notified(n, 'true')))).sort()).toEqual([0, 1]);
    expect(await storedTransitions('alerting')).toBe(1);
    expect(await storedTransitions('normal')).toBe(1);
  }, 300_000);

  it('down stops every process up started, a killed one and a restarted one included, and frees every port', async () => {
    const pids = PARTS.flatMap((p) => {
      const pid = cluster.pid(p);
      return pid === undefined ? [] : [[p, pid] as const];
    });
    // the rule owner was killed (its pid file stays until down); kafka-2 was stopped and started again
    expect(pids.length).toBeGreaterThanOrEqual(6);
    await browser?.close();
    browser = undefined;
    await producer.disconnect();
    await cluster.down();
    expect(pids.filter(([, pid]) => running(pid)).map(([p]) => p)).toEqual([]);
    expect(await taken(cluster.ports)).toEqual([]);
  }, 240_000);

  it('an up that fails half way (an instance refuses its model) leaves nothing running after down', async () => {
    const failed = await startCluster({ config: 'kpis: 42\n' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(ClusterUpError);
    const { started, ports, message } = failed as ClusterUpError;
    expect(message).toMatch(/serve-1 exited before ready/);
    // the brokers and the store had started; serve-1 had been spawned and exited
    expect(started.map(([p]) => p)).toEqual(['kafka-1', 'kafka-2', 'kafka-3', 'store', 'serve-1']);
    expect(started.filter(([, pid]) => running(pid)).map(([p]) => p)).toEqual([]);
    expect(await taken(ports)).toEqual([]);
  }, 300_000);
});

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function taken(ports: number[]): Promise<number[]> {
  const out: number[] = [];
  for (const port of ports) if (!(await portFree(port))) out.push(port);
  return out;
}
