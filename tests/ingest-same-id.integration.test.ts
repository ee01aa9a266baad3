import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResponse } from '@northstar/shared';
import { KAFKA_BROKERS, waitFor } from './support/harness.ts';
import {
  createTopics,
  deleteTopics,
  FAULT_METRIC,
  kafkaClient,
  metric,
  serveTopics,
  waitReady,
  type CliServer,
} from './support/server-process.ts';
import { startSharedStore, type SharedStore } from './support/shared-store.ts';

/**
 * The same event (same metric and id) posted over HTTP to two instances at the same instant,
 * on one shared store with Kafka: stored once. Each instance's id check alone cannot see the
 * other's insert in flight; with Kafka, HTTP events that carry an id go to the events topic
 * keyed by their identity, so every copy lands on one partition and one instance's check,
 * and the HTTP answer waits for that instance's verdicts: `duplicates` counts the copies
 * found already stored, whichever instance stored them. Events without an id are no one's
 * duplicates: each copy is stored. No verdict in time (the owner of the partition stopped):
 * 503 with Retry-After, and the retry stores nothing twice.
 */
let shared: SharedStore;
let topics: { topic: string; dlqTopic: string; group: string };
let env: Record<string, string>;
const kafka = kafkaClient(KAFKA_BROKERS);

beforeAll(async () => {
  shared = await startSharedStore('northstar-same-id', 'same-id-store-password');
  topics = await createTopics(kafka, 'same-id', 3);
  env = {
    KAFKA_BROKERS,
    KAFKA_TOPIC: topics.topic,
    KAFKA_GROUP_ID: topics.group,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'warn',
  };
  for (const name of ['a', 'b']) {
    await waitReady(await shared.startInstance(name, env), 120_000);
  }
}, 240_000);

afterAll(async () => {
  await shared?.stop();
  if (topics) {
    await deleteTopics(kafka, serveTopics(topics.topic));
  }
});

function send(server: CliServer, body: string): Promise<Response> {
  return fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
}

async function post(server: CliServer, body: string): Promise<IngestResponse> {
  const res = await send(server, body);
  expect(res.status).toBe(202);
  return (await res.json()) as IngestResponse;
}

async function stored(prefix = ''): Promise<{ rows: number; ids: number; anonymous: number }> {
  const r = await shared.store.client().query({
    query: `SELECT countIf(id != '') AS rows, uniqExactIf(id, id != '') AS ids, countIf(id = '') AS anonymous FROM events
            WHERE metric = {m:String} AND startsWith(id, {p:String})`,
    query_params: { m: FAULT_METRIC, p: prefix },
    format: 'JSONEachRow',
  });
  const row = (await r.json<{ rows: string; ids: string; anonymous: string }>())[0]!;
  return { rows: Number(row.rows), ids: Number(row.ids), anonymous: Number(row.anonymous) };
}

describe('the same event posted to two instances at once', () => {
  it('is stored once; events without an id are stored as often as they are posted', async () => {
    const now = Date.now();
    const [a, b] = [shared.instances[0]!, shared.instances[1]!];
    const bodies = Array.from({ length: 40 }, (_, r) =>
      [
        ...Array.from({ length: 25 }, (_, i) => JSON.stringify({ metric: FAULT_METRIC, value: 1, id: `twice-${r}-${i}`, ts: now - i })),
        ...Array.from({ length: 5 }, (_, i) => JSON.stringify({ metric: FAULT_METRIC, value: 1, ts: now - i })),
      ].join('\n'),
    );
    // round after round, each body posted to both instances at the same instant: the two instances'
    // writes then overlap often enough that, without one owner per identity, some id is stored twice
    for (const body of bodies) {
      const answers = await Promise.all([post(a, body), post(b, body)]);
      for (const r of answers) expect(r.accepted).toBe(30);
      // each id was stored by one of the two requests and found stored by the other
      expect(answers[0]!.duplicates! + answers[1]!.duplicates!).toBe(25);
    }
    // every answer waited for its events' verdicts: they are stored by now
    expect(await stored('twice-')).toEqual({ rows: 1000, ids: 1000, anonymous: 0 });
    // the consumers have read everything posted; what they would have stored twice is in by now
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await stored('twice-')).toEqual({ rows: 1000, ids: 1000, anonymous: 0 });
    expect((await stored()).anonymous).toBe(400);
  }, 120_000);
});

describe('the HTTP answer on the Kafka path', () => {
  it('counts as duplicates the ids already stored, posted again to the same instance or to another', async () => {
    const now = Date.now();
    const [a, b] = [shared.instances[0]!, shared.instances[1]!];
    const line = (id: string) => JSON.stringify({ metric: FAULT_METRIC, value: 1, id, ts: now });
    const ids = Array.from({ length: 30 }, (_, i) => `again-${i}`);
    // one id twice within the request, and two events without an id
    const body = [
      ...ids.map(line),
      line('again-0'),
      JSON.stringify({ metric: FAULT_METRIC, value: 2 }),
      JSON.stringify({ metric: FAULT_METRIC, value: 3 }),
    ].join('\n');
    expect(await post(a, body)).toEqual({ accepted: 33, rejected: [], duplicates: 1 });
    expect(await post(a, body)).toEqual({ accepted: 33, rejected: [], duplicates: 31 });
    expect(await post(b, body)).toEqual({ accepted: 33, rejected: [], duplicates: 31 });
    // the same ids in a new body, partly new
    const more = [...ids.slice(0, 10), 'again-new-1', 'again-new-2'].map(line).join('\n');
    expect(await post(b, more)).toEqual({ accepted: 12, rejected: [], duplicates: 10 });
    expect(await stored('again-')).toEqual({ rows: 32, ids: 32, anonymous: 0 });
  }, 60_000);

  it('is 503 with Retry-After when the owner of the partition gives no verdict in time; the retry stores nothing twice', async () => {
    // a third instance with a short wait; the group now gives each instance one of the 3 partitions
    const c = await shared.startInstance('c', { ...env, INGEST_VERDICT_TIMEOUT_MS: '2000' });
    await waitReady(c, 120_000);
    const b = shared.instances[1]!;
    const now = Date.now();
    // 60 ids spread over the 3 partitions by their keys: some are on the partition b owns
    const body = Array.from({ length: 60 }, (_, i) => JSON.stringify({ metric: FAULT_METRIC, value: 1, id: `stalled-${i}`, ts: now })).join(
      '\n',
    );
    // the rebalance for c has settled once a post to c is answered
    await waitFor(
      async () =>
        (await send(c, JSON.stringify({ metric: FAULT_METRIC, value: 1, id: `warm-${Date.now()}` }))).status === 202 ? true : undefined,
      'c answered',
      60_000,
    );
    const timeoutsBefore = await metric(c, 'northstar_ingest_verdict_timeouts_total');
    process.kill(b.pid, 'SIGSTOP');
    let stalled: Response;
    try {
      stalled = await send(c, body);
    } finally {
      process.kill(b.pid, 'SIGCONT');
    }
    expect(stalled.status).toBe(503);
    expect(stalled.headers.get('retry-after')).toBe('5');
    const refusal = (await stalled.json()) as { error: { code: string; message: string } };
    expect(refusal.error.code).toBe('verdict_timeout');
    expect(refusal.error.message).toMatch(/no verdict on them came back within 2000 ms.*retrying the request is safe/);
    expect((await metric(c, 'northstar_ingest_verdict_timeouts_total')) - timeoutsBefore).toBe(1);
    // the producer retries; b, running again, gives its verdicts
    let retried: IngestResponse | undefined;
    await waitFor(
      async () => {
        const res = await send(c, body);
        if (res.status === 202) retried = (await res.json()) as IngestResponse;
        return retried;
      },
      'the retry accepted',
      60_000,
    );
    expect(retried!.accepted).toBe(60);
    // the first try's events on the running instances' partitions were stored then
    expect(retried!.duplicates).toBeGreaterThan(0);
    expect(await stored('stalled-')).toEqual({ rows: 60, ids: 60, anonymous: 0 });
  }, 240_000);
});
