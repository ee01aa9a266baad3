import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTestClient } from './support/live-client.ts';
import { KAFKA_BROKERS, startTestServer, waitFor, type TestServer } from './support/harness.ts';

/**
 * Scrapes /metrics of a real server fed over HTTP and Kafka, with a WebSocket client and a
 * firing alert, and checks that every family operations watches is there and moved.
 */
const RUN = randomUUID().slice(0, 8);
const TOPIC = `northstar.metrics-test.${RUN}`;

const CONFIG = `
objectives:
  - { id: sales, name: Sell more, owner: Test Owner, period: 2026-Q4 }
kpis:
  - { id: orders, name: Orders, objective: sales, metric: metrics.orders, aggregation: count, window: 1h, target: 100 }
rules:
  - id: any-orders
    name: Any orders
    kpis: [orders]
    severity: warning
    condition: { type: threshold, op: '>', value: 0 }
`;

let server: TestServer;
let producer: Producer;

beforeAll(async () => {
  const kafka = new Kafka({ clientId: `metrics-test-${RUN}`, brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  server = await startTestServer({
    config: CONFIG,
    env: { KAFKA_BROKERS, KAFKA_TOPIC: TOPIC, KAFKA_GROUP_ID: `metrics-test-${RUN}` },
  });
}, 60_000);
afterAll(async () => {
  await producer?.disconnect();
  await server?.stop();
});

/** Prometheus text → sample name with labels → value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${server.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** The sum of every sample of `name` whose labels contain each of `labels` (e.g. 'source="http"'). */
function total(samples: Map<string, number>, name: string, ...labels: string[]): number {
  let sum = 0;
  let seen = false;
  for (const [key, value] of samples) {
    const base = key.includes('{') ? key.slice(0, key.indexOf('{')) : key;
    if (base !== name || !labels.every((l) => key.includes(l))) continue;
    sum += value;
    seen = true;
  }
  return seen ? sum : Number.NaN;
}

async function postNdjson(lines: string[]): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: lines.join('\n'),
  });
  return res.status;
}

describe('/metrics', () => {
  it('reports ingest, store writes, consumer lag, WebSocket clients and frames, HTTP answers and alert transitions', async () => {
    const before = await scrape();
    const ws = await LiveTestClient.connect(server.url);
    await waitFor(() => (ws.messages.some((m) => m.type === 'snapshot') ? true : undefined), 'a snapshot');
    ws.send({ type: 'subscribe', kpis: ['orders'] });

    // HTTP: 3 good, 2 bad
    const now = Date.now();
    const good = (i: number) => JSON.stringify({ metric: 'metrics.orders', value: 1, ts: now, id: `http-${i}` });
    expect(await postNdjson([good(1), '{"metric":', good(2), '{"metric":"metrics.orders","value":"x"}', good(3)])).toBe(202);
    // Kafka: 4 good, 1 bad
    await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: [
        ...[1, 2, 3, 4].map((i) => ({
          key: 'metrics.orders',
          value: JSON.stringify({ metric: 'metrics.orders', value: 1, ts: now, id: `kafka-${i}` }),
        })),
        { key: 'metrics.orders', value: 'not json' },
      ],
    });
    await waitFor(async () => {
      const s = await scrape();
      return total(s, 'northstar_events_stored_total', 'source="kafka"') -
        (total(before, 'northstar_events_stored_total', 'source="kafka"') || 0) >=
        7
        ? true
        : undefined;
    }, 'the Kafka events stored');
    // the rule fires on the first order; the client gets the alert and the KPI update
    await waitFor(
      () => (ws.messages.some((m) => m.type === 'alert' && m.alert.state === 'alerting') ? true : undefined),
      'the alerting alert reaches the client',
    );
    await waitFor(() => (ws.states.get('orders')?.value === 7 ? true : undefined), 'orders = 7 on the client');
    // a frame the server refuses
    ws.send('{"type":"subscribe","kpis":');
    await waitFor(
      async () => (total(await scrape(), 'northstar_ws_client_messages_total', 'outcome="malformed"') >= 1 ? true : undefined),
      'a refused client message counted',
    );

    // with Kafka, an instance releases a rule's transitions once the alert-owners group has
    // handed it the rule and it has read the rule back from the store (issue 17.2): a transition
    // derived before that is shown on the wall at once and stored and counted from the next tick
    await waitFor(
      async () => (total(await scrape(), 'northstar_alert_transitions_total', 'to="alerting"') >= 1 ? true : undefined),
      'the alert transition released by its owner',
    );
    const after = await scrape();
    const moved = (name: string, ...labels: string[]) => {
      const was = total(before, name, ...labels);
      return total(after, name, ...labels) - (Number.isNaN(was) ? 0 : was);
    };
    // events in, accepted (stored), rejected, per source; with Kafka, HTTP events that carry an id
    // go through the events topic keyed by identity (one instance's id check sees every copy),
    // so the 3 good HTTP events are received again, and stored, by the consumer
    expect(moved('northstar_events_received_total', 'source="http"')).toBe(5);
    expect(moved('northstar_events_received_total', 'source="kafka"')).toBe(8);
    expect(total(after, 'northstar_events_stored_total', 'source="http"') || 0).toBe(
      total(before, 'northstar_events_stored_total', 'source="http"') || 0,
    );
    expect(moved('northstar_events_stored_total', 'source="kafka"')).toBe(7);
    expect(moved('northstar_events_rejected_total', 'source="http"')).toBe(2);
    expect(moved('northstar_events_rejected_total', 'source="kafka"')).toBe(1);
    // batch sizes and write latency: one observation per insert, rows summed
    expect(moved('northstar_insert_batch_rows_count')).toBeGreaterThanOrEqual(2);
    expect(moved('northstar_insert_batch_rows_sum')).toBe(7);
    expect(moved('northstar_insert_seconds_count')).toBe(moved('northstar_insert_batch_rows_count'));
    expect(total(after, 'northstar_insert_seconds_sum')).toBeGreaterThan(0);
    // consumer lag, per partition of the topic
    expect(total(after, 'northstar_kafka_consumer_lag')).toBe(0);
    expect([...after.keys()].filter((k) => k.startsWith('northstar_kafka_consumer_lag{')).length).toBeGreaterThanOrEqual(1);
    // the HTTP events with an id were answered by the consumer's verdicts, none timed out
    expect(total(after, 'northstar_ingest_verdict_timeouts_total')).toBe(0);
    // the embedded default's queue: present, and empty once the writes are done
    expect(total(after, 'northstar_ingest_pending_rows')).toBe(0);
    // WebSocket clients and frames, out and in
    expect(total(after, 'northstar_ws_clients')).toBe(1);
    expect(moved('northstar_ws_frames_total', 'type="snapshot"')).toBeGreaterThanOrEqual(1);
    expect(moved('northstar_ws_frames_total', 'type="delta"')).toBeGreaterThanOrEqual(1);
    expect(moved('northstar_ws_frames_total', 'type="alert"')).toBeGreaterThanOrEqual(1);
    expect(moved('northstar_ws_client_messages_total', 'outcome="ok"')).toBe(1);
    expect(moved('northstar_ws_client_messages_total', 'outcome="malformed"')).toBe(1);
    // alert transitions (no `for`: straight from normal to alerting)
    expect(moved('northstar_alert_transitions_total', 'to="alerting"')).toBe(1);
    // HTTP answers by route pattern and status, timed
    expect(moved('northstar_http_requests_total', 'route="/api/v1/events"', 'method="POST"', 'status="202"')).toBe(1);
    expect(moved('northstar_http_request_seconds_count', 'route="/api/v1/events"')).toBe(1);
    // process health from the default collectors
    expect(total(after, 'northstar_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(total(after, 'northstar_nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);

    await ws.close();
    await waitFor(async () => (total(await scrape(), 'northstar_ws_clients') === 0 ? true : undefined), 'the client gone from the gauge');
  });

  it('labels HTTP answers by route pattern, not by raw path', async () => {
    for (const id of ['a', 'b', 'c']) expect((await fetch(`${server.url}/api/v1/kpis/${id}-missing`)).status).toBe(404);
    const s = await scrape();
    expect(total(s, 'northstar_http_requests_total', 'route="/api/v1/kpis/:id"', 'status="404"')).toBe(3);
    expect([...s.keys()].some((k) => k.includes('a-missing'))).toBe(false);
  });
});
