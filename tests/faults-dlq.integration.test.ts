import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DLQ_ORIGIN_HEADER, DLQ_REASON_HEADER, DLQ_SIZE_HEADER, DLQ_TRUNCATED_HEADER } from '../apps/server/src/ingest/dead-letter.ts';
import { COPY_BYTES } from '../apps/server/src/ingest/dead-letter.ts';
import { countStored, faultFixture, readStoreAfterExit } from './support/fault-fixture.ts';
import { waitFor } from './support/harness.ts';
import { FAULT_METRIC, deleteTopics, eventMessage, metric, waitForKpiCount, waitReady } from './support/server-process.ts';

/**
 * Poison of any size must not stop the stream (issue 14, defect 1). The first case is the
 * issue's repro: with the server stopped, two 700 kB non-JSON messages (one key, so the old
 * code sent both to one DLQ partition in one 1.4 MB produce, which the broker refuses with
 * MESSAGE_TOO_LARGE, retried for ever) and a good event on partition 0; then the server
 * starts and a second good event follows. The second case takes the DLQ topic away: the
 * DLQ's retries are bounded, the rejects are kept whole in the store, a metric counts them
 * and /readyz says degraded, while good events keep flowing.
 */

const POISON_BYTES = 700_000;

function header(m: KafkaMessage, name: string): string | undefined {
  const raw = m.headers?.[name];
  return raw === undefined ? undefined : String(raw);
}

describe('oversized poison on Kafka', () => {
  const readers: Array<{ disconnect(): Promise<void> }> = [];
  const fx = faultFixture('dlqsize', {
    beforeCleanup: () => Promise.all(readers.map((r) => r.disconnect().catch(() => undefined))),
  });

  async function readDlq(into: KafkaMessage[]): Promise<void> {
    const c = fx.kafka.consumer({ groupId: `dlq-reader-${Date.now()}-${Math.random()}` });
    readers.push(c);
    await c.connect();
    await c.subscribe({ topic: fx.names.dlqTopic, fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void into.push(message) });
  }

  it(
    'two 700 kB non-JSON messages go to the DLQ as bounded copies and whole to rejected_events; good events flow',
    { timeout: 120_000 },
    async () => {
      const { names, producer } = fx;
      const poison = [0, 1].map((i) => Buffer.alloc(POISON_BYTES, i === 0 ? 'x' : 'y'));
      const now = Date.now();
      // one send each: the broker limits one produce's batch for a partition to 1 MiB
      for (const message of [
        { key: 'poison', value: poison[0]!, partition: 0 },
        { key: 'poison', value: poison[1]!, partition: 0 },
        { ...eventMessage('good-before', now), partition: 0 },
      ]) {
        await producer.send({ topic: names.topic, acks: -1, messages: [message] });
      }
      const server = await fx.start(fx.serverEnv());
      await waitReady(server);
      await producer.send({ topic: names.topic, acks: -1, messages: [{ ...eventMessage('good-after', Date.now()), partition: 0 }] });
      const count = await waitForKpiCount(server, 2, 30_000);

      const dead: KafkaMessage[] = [];
      await readDlq(dead);
      await waitFor(() => (dead.length >= 2 ? true : undefined), 'two messages on the DLQ');
      const copies = await metric(server, 'northstar_dlq_messages_total', { kind: 'copy' });
      const ready = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string };
      expect((await fx.stop()).code).toBe(0);

      const { stored, rejected } = await readStoreAfterExit(fx.ws, async (store) => ({
        stored: await countStored(store),
        rejected: await (
          await store.query({
            query: "SELECT location, reason, length(raw) AS bytes, raw FROM rejected_events WHERE source = 'kafka' ORDER BY location",
            format: 'JSONEachRow',
          })
        ).json<{ location: string; reason: string; bytes: string; raw: string }>(),
      }));
      console.log(
        `faults-dlq: 2 poison messages of ${POISON_BYTES} B + 2 good on partition 0; KPI ${count}, stored ${stored.rows}; ` +
          `DLQ ${dead.length} (${dead.map((m) => (m.value as Buffer).length).join(', ')} B), rejected_events ${rejected.map((r) => r.bytes).join(', ')} B`,
      );
      expect(count).toBe(2);
      expect(stored.rows).toBe(2);
      expect(ready.status).toBe('ready');
      // on the DLQ: once each, as a bounded copy whose headers say where it came from, how big it was and why
      expect(dead).toHaveLength(2);
      expect(copies).toBe(2);
      expect(new Set(dead.map((m) => header(m, DLQ_ORIGIN_HEADER))).size).toBe(2);
      for (const m of dead) {
        expect(header(m, DLQ_ORIGIN_HEADER)).toMatch(new RegExp(`^${names.topic.replace(/\./g, '\\.')}/0@[01]$`));
        expect(header(m, DLQ_SIZE_HEADER)).toBe(String(POISON_BYTES));
        expect(header(m, DLQ_TRUNCATED_HEADER)).toBe('true');
        expect(header(m, DLQ_REASON_HEADER)).toMatch(/not valid JSON/);
        expect((m.value as Buffer).length).toBe(COPY_BYTES);
        const offset = Number(header(m, DLQ_ORIGIN_HEADER)!.split('@')[1]);
        expect((m.value as Buffer).equals(poison[offset]!.subarray(0, COPY_BYTES))).toBe(true);
      }
      // in the store: whole
      expect(rejected).toHaveLength(2);
      for (const r of rejected) {
        expect(Number(r.bytes)).toBe(POISON_BYTES);
        expect(r.raw).toBe(poison[Number(r.location.split('@')[1])]!.toString('utf8'));
      }
    },
  );
});

describe('a DLQ that keeps failing', () => {
  const fx = faultFixture('dlqdown');

  it('keeps rejects in the store after bounded retries, counts them, says degraded, and goes on', { timeout: 120_000 }, async () => {
    const { names, producer } = fx;
    const server = await fx.start(fx.serverEnv());
    await waitReady(server);
    await producer.send({ topic: names.topic, acks: -1, messages: [eventMessage('first', Date.now())] });
    await waitForKpiCount(server, 1);
    // the DLQ topic goes away (the server's producer may not create it)
    await deleteTopics(fx.kafka, [names.dlqTopic]);
    const started = Date.now();
    const bad = Array.from({ length: 5 }, (_, i) => ({ key: `bad-${i}`, value: `not json ${i}`, partition: i % 3 }));
    const good = Array.from({ length: 30 }, (_, i) => ({ ...eventMessage(`good-${i}`, Date.now()), partition: i % 3 }));
    await producer.send({ topic: names.topic, acks: -1, messages: [...bad, ...good] });
    const count = await waitForKpiCount(server, 31, 90_000);
    const flowedAfterS = (Date.now() - started) / 1000;
    const failures = await waitFor(async () => {
      const n = await metric(server, 'northstar_dlq_failures_total');
      return n >= bad.length ? n : undefined;
    }, 'the DLQ failures to be counted');
    const readyRes = await fetch(`${server.url}/readyz`);
    const ready = (await readyRes.json()) as { status: string; checks: Record<string, string> };
    const degradedGauge = await metric(server, 'northstar_dlq_degraded');
    expect((await fx.stop()).code).toBe(0);
    const rejected = await readStoreAfterExit(fx.ws, async (store) =>
      (
        await store.query({ query: "SELECT reason, raw FROM rejected_events WHERE source = 'kafka' ORDER BY raw", format: 'JSONEachRow' })
      ).json<{ reason: string; raw: string }>(),
    );
    console.log(
      `faults-dlq: DLQ topic deleted; 5 rejects + 30 good: all good counted after ${flowedAfterS.toFixed(1)} s; ` +
        `dlq failures ${failures}, readyz ${readyRes.status} ${ready.status} (${ready.checks.dlq}); rejected_events ${rejected.length}`,
    );
    expect(count).toBe(31);
    expect(failures).toBe(bad.length);
    expect(readyRes.status).toBe(200);
    expect(ready.status).toBe('degraded');
    expect(ready.checks.dlq).toMatch(/failing/);
    expect(degradedGauge).toBe(1);
    expect(rejected.map((r) => r.raw)).toEqual(bad.map((b) => b.value));
    for (const r of rejected) expect(r.reason).toMatch(/^not valid JSON .*\[not on the DLQ: /);
    expect(await countStoredAfter(fx)).toBe(31);
  });
});

async function countStoredAfter(fx: { ws: Parameters<typeof readStoreAfterExit>[0] }): Promise<number> {
  return readStoreAfterExit(fx.ws, async (store) => (await countStored(store, FAULT_METRIC)).rows);
}
