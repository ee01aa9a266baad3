import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_BROKERS, waitFor } from './support/harness.ts';
import {
  FAULT_METRIC,
  createTopics,
  deleteTopics,
  eventMessage,
  kafkaClient,
  makeWorkspace,
  metric,
  openStoreAfterExit,
  queryOne,
  rssMiB,
  sleep,
  startCliServer,
  waitForKpiCount,
  waitReady,
  type CliServer,
  type ServerWorkspace,
} from './support/server-process.ts';
import { eventsTableDir, setWritable } from './support/store-fault.ts';

/**
 * The store stops accepting writes in the middle of a Kafka stream, then accepts them again.
 *
 * The fault is real, not simulated: chdb runs inside the server process (there is no
 * socket between the server and the engine to cut), so the test takes away the engine's
 * ability to write the `events` table's files. Every insert creates a new part directory
 * inside the table's directory; with that directory immutable (`chattr +i`, which binds
 * root too; `chmod a-w` for other users) ClickHouse's insert fails with "Operation not
 * permitted" exactly as on a disk remounted read-only, while reads keep working. The test
 * then restores the directory and the same server process must carry on by itself.
 */

const BEFORE = 10_000;
const DURING = 60_000;
const OUTAGE_MS = 12_000;
/** One fetch is at most 4 MiB per partition: holding it, plus decoded events, stays far below this. */
const RSS_GROWTH_LIMIT_MIB = 200;

describe('store unavailable mid-stream', () => {
  const kafka = kafkaClient(KAFKA_BROKERS);
  let ws: ServerWorkspace;
  let names: { topic: string; dlqTopic: string; group: string };
  let producer: Producer;
  let server: CliServer | undefined;
  let tableDir: string | undefined;

  beforeAll(async () => {
    names = await createTopics(kafka, 'storeout');
    ws = makeWorkspace();
    producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
  });

  afterAll(async () => {
    if (tableDir) setWritable(tableDir, true);
    await server?.kill9();
    await producer?.disconnect().catch(() => undefined);
    await deleteTopics(kafka, [names.topic, names.dlqTopic]);
    ws?.remove();
  });

  async function produce(prefix: string, n: number): Promise<void> {
    for (let s = 0; s < n; s += 5_000) {
      const now = Date.now();
      const messages = Array.from({ length: Math.min(5_000, n - s) }, (_, i) => eventMessage(`${prefix}-${s + i}`, now));
      await producer.send({ topic: names.topic, acks: -1, messages });
    }
  }

  it(
    'pauses the consumer with bounded memory, answers HTTP with 503, and resumes by itself with nothing lost',
    { timeout: 180_000 },
    async () => {
      server = await startCliServer(ws, { KAFKA_BROKERS, KAFKA_TOPIC: names.topic, KAFKA_GROUP_ID: names.group, LOG_LEVEL: 'warn' });
      await waitReady(server);
      const s = server;

      await produce('before', BEFORE);
      await waitForKpiCount(s, BEFORE);

      tableDir = eventsTableDir(ws.dataDir);
      setWritable(tableDir, false);
      const rssBefore = rssMiB(s.pid);
      await produce('during', DURING);

      // the consumer reports that it waits for the store, and stops taking more from Kafka
      await waitFor(async () => ((await metric(s, 'northstar_kafka_waiting_for_store')) === 1 ? true : undefined), 'the consumer to pause');
      await sleep(1_000);
      const receivedAtPause = await metric(s, 'northstar_events_received_total', { source: 'kafka' });
      let rssPeak = rssMiB(s.pid);
      const outageEnds = Date.now() + OUTAGE_MS;
      while (Date.now() < outageEnds) {
        rssPeak = Math.max(rssPeak, rssMiB(s.pid));
        await sleep(250);
      }
      const receivedAtEnd = await metric(s, 'northstar_events_received_total', { source: 'kafka' });
      const failures = await metric(s, 'northstar_ingest_write_failures_total', { source: 'kafka' });
      const countDuring = await waitForKpiCount(s, BEFORE, 1_000);

      // HTTP ingest refuses what it cannot keep, and says when to come back
      const refused = await fetch(`${s.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ metric: FAULT_METRIC, value: 1, ts: Date.now(), id: 'http-during-outage' }]),
      });
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

      setWritable(tableDir, true);
      const total = BEFORE + DURING;
      await waitForKpiCount(s, total, 90_000);
      expect(await metric(s, 'northstar_kafka_waiting_for_store')).toBe(0);
      const accepted = await fetch(`${s.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ metric: FAULT_METRIC, value: 1, ts: Date.now(), id: 'http-during-outage' }]),
      });
      expect(accepted.status).toBe(202);
      const finalCount = await waitForKpiCount(s, total + 1);

      const exit = await s.terminate();
      server = undefined;
      expect(exit.code).toBe(0);
      const store = openStoreAfterExit(ws);
      const stored = await queryOne<{ rows: string; ids: string }>(
        store,
        'SELECT count() AS rows, uniqExact(id) AS ids FROM events WHERE metric = {metric:String}',
        { metric: FAULT_METRIC },
      );
      await store.close();

      const growth = rssPeak - rssBefore;
      console.log(
        `faults-store-outage: writes refused for ${OUTAGE_MS / 1000} s (${failures} failed attempts) with ${DURING} events waiting in Kafka; ` +
          `received stayed at ${receivedAtPause} → ${receivedAtEnd}, RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} MiB (+${growth.toFixed(0)}); ` +
          `KPI ${countDuring} during, ${finalCount} after; stored rows ${stored.rows}, distinct ids ${stored.ids} of ${total + 1}`,
      );
      expect(failures).toBeGreaterThan(1);
      // paused: nothing more was fetched and decoded while the batch in hand waited
      expect(receivedAtEnd).toBe(receivedAtPause);
      expect(receivedAtPause).toBeLessThan(total);
      expect(growth).toBeLessThan(RSS_GROWTH_LIMIT_MIB);
      expect(countDuring).toBe(BEFORE);
      expect(finalCount).toBe(total + 1);
      expect(Number(stored.rows)).toBe(total + 1);
      expect(Number(stored.ids)).toBe(total + 1);
    },
  );
});
