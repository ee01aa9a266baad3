import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestResponse } from '@northstar/shared';
import { KAFKA_BROKERS, waitFor } from './support/harness.ts';
import {
  createTopics,
  deleteTopics,
  FAULT_CONFIG,
  FAULT_METRIC,
  kafkaClient,
  startCliServer,
  waitReady,
  type CliServer,
} from './support/server-process.ts';
import { startStoreProcess, type StoreProcess } from './support/store-process.ts';

/**
 * The same event (same metric and id) posted over HTTP to two instances at the same instant,
 * on one shared store with Kafka: stored once. Each instance's id check alone cannot see the
 * other's insert in flight; with Kafka, HTTP events that carry an id go to the events topic
 * keyed by their identity, so every copy lands on one partition and one instance's check.
 * Events without an id are no one's duplicates: each copy is stored.
 */
let root: string;
let store: StoreProcess;
let topics: { topic: string; dlqTopic: string; group: string };
const instances: CliServer[] = [];
const kafka = kafkaClient(KAFKA_BROKERS);

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'northstar-same-id-'));
  const configPath = path.join(root, 'northstar.yaml');
  writeFileSync(configPath, FAULT_CONFIG);
  store = await startStoreProcess(path.join(root, 'store'), { password: 'same-id-store-password' });
  topics = await createTopics(kafka, 'same-id', 3);
  const env = {
    CLICKHOUSE_URL: store.url,
    CLICKHOUSE_USER: store.user,
    CLICKHOUSE_PASSWORD: store.password,
    KAFKA_BROKERS,
    KAFKA_TOPIC: topics.topic,
    KAFKA_GROUP_ID: topics.group,
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'warn',
  };
  for (const name of ['a', 'b']) {
    const server = await startCliServer({ dataDir: path.join(root, `data-${name}`), configPath, remove: () => undefined }, env);
    instances.push(server);
    await waitReady(server, 120_000);
  }
}, 240_000);

afterAll(async () => {
  for (const s of instances) await s.terminate();
  await store?.stop();
  if (topics) await deleteTopics(kafka, [topics.topic, topics.dlqTopic, `${topics.topic}.kpi-partials`, `${topics.topic}.alert-owners`]);
  if (root) rmSync(root, { recursive: true, force: true });
});

async function post(server: CliServer, body: string): Promise<IngestResponse> {
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  expect(res.status).toBe(202);
  return (await res.json()) as IngestResponse;
}

async function stored(): Promise<{ rows: number; ids: number; anonymous: number }> {
  const r = await store.client().query({
    query: `SELECT countIf(id != '') AS rows, uniqExactIf(id, id != '') AS ids, countIf(id = '') AS anonymous FROM events WHERE metric = {m:String}`,
    query_params: { m: FAULT_METRIC },
    format: 'JSONEachRow',
  });
  const row = (await r.json<{ rows: string; ids: string; anonymous: string }>())[0]!;
  return { rows: Number(row.rows), ids: Number(row.ids), anonymous: Number(row.anonymous) };
}

describe('the same event posted to two instances at once', () => {
  it('is stored once; events without an id are stored as often as they are posted', async () => {
    const now = Date.now();
    const [a, b] = [instances[0]!, instances[1]!];
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
    }
    await waitFor(async () => ((await stored()).ids === 1000 ? true : undefined), 'every id stored', 60_000);
    // the consumers have read everything posted; what they would have stored twice is in by now
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await stored()).toEqual({ rows: 1000, ids: 1000, anonymous: 400 });
  }, 120_000);
});
