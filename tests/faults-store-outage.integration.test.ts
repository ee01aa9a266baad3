import { describe, expect, it } from 'vitest';
import { faultFixture, storedCounts } from './support/fault-fixture.ts';
import { waitFor } from './support/harness.ts';
import { FAULT_METRIC, eventMessage, metric, rssMiB, sleep, waitForKpiCount, waitReady } from './support/server-process.ts';
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
  let tableDir: string | undefined;
  const fx = faultFixture('storeout', {
    beforeCleanup: () => {
      if (tableDir) setWritable(tableDir, true);
    },
  });

  async function produce(prefix: string, n: number): Promise<void> {
    for (let s = 0; s < n; s += 5_000) {
      const now = Date.now();
      const messages = Array.from({ length: Math.min(5_000, n - s) }, (_, i) => eventMessage(`${prefix}-${s + i}`, now));
      await fx.producer.send({ topic: fx.names.topic, acks: -1, messages });
    }
  }

  it(
    'pauses the consumer with bounded memory, answers HTTP with 503, and resumes by itself with nothing lost',
    { timeout: 180_000 },
    async () => {
      const s = await fx.start(fx.serverEnv());
      await waitReady(s);

      await produce('before', BEFORE);
      await waitForKpiCount(s, BEFORE);

      tableDir = eventsTableDir(fx.ws.dataDir);
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
      // with Kafka, the HTTP event (it has an id) went to the events topic before its 503
      // (verdict_timeout: the consumer holding its batch gave no verdict); it is stored once
      // the store is back, and the producer's retry finds it stored
      await waitForKpiCount(s, total + 1, 90_000);
      expect(await metric(s, 'northstar_kafka_waiting_for_store')).toBe(0);
      const accepted = await fetch(`${s.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ metric: FAULT_METRIC, value: 1, ts: Date.now(), id: 'http-during-outage' }]),
      });
      expect(accepted.status).toBe(202);
      expect(((await accepted.json()) as { duplicates: number }).duplicates).toBe(1);
      const finalCount = await waitForKpiCount(s, total + 1);

      expect((await fx.stop()).code).toBe(0);
      const stored = await storedCounts(fx.ws);

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
      expect(stored.rows).toBe(total + 1);
      expect(stored.ids).toBe(total + 1);
    },
  );
});
