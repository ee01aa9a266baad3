import type { Consumer, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { faultFixture, storedCounts } from './support/fault-fixture.ts';
import { waitFor } from './support/harness.ts';
import { FAULT_METRIC, metric, sleep, waitForKpiCount, waitReady } from './support/server-process.ts';

/**
 * A consumer rebalance mid-stream (issue 14): while 100 000 events (half with an id, half
 * without) stream in, a second member joins the server's consumer group, holds the
 * partitions it is given without committing anything (a slow instance), and leaves again.
 * Each rebalance takes partitions from the server mid-batch and gives them back; whatever
 * was stored but not committed is read again, with other batch boundaries. Exactly 100 000
 * must be stored and counted.
 */

const TOTAL = 100_000;
const SENDS = 50;
const PER_SEND = TOTAL / SENDS;
const CYCLES = 3;

function message(s: number, i: number, now: number): Message {
  const withId = i % 2 === 0;
  const event = { metric: FAULT_METRIC, value: 1, ts: now, ...(withId ? { id: `rb-${s}-${i}` } : {}) };
  return { key: `k-${s}-${i}`, value: JSON.stringify(event) };
}

describe('consumer rebalance mid-stream', () => {
  let intruder: Consumer | undefined;
  const fx = faultFixture('rebalance', { beforeCleanup: () => intruder?.disconnect().catch(() => undefined) });

  it(
    'stores and counts 100 000 events with and without ids exactly once while a second member joins and leaves',
    { timeout: 240_000 },
    async () => {
      const { names, producer } = fx;
      const server = await fx.start(fx.serverEnv({ KAFKA_SESSION_TIMEOUT_MS: '6000' }));
      await waitReady(server);
      let handed = 0;
      let joins = 0;
      const producing = (async () => {
        for (let s = 0; s < SENDS; s++) {
          const now = Date.now();
          await producer.send({ topic: names.topic, acks: -1, messages: Array.from({ length: PER_SEND }, (_, i) => message(s, i, now)) });
          await sleep(60);
        }
      })();
      // several times, while the server works through the stream: a member joins, holds what it is given, leaves
      const cycles: number[] = [];
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const storedBefore = await waitFor(
          async () => {
            const n = await metric(server, 'northstar_events_stored_total', { source: 'kafka' });
            return n >= ((cycle + 1) * TOTAL) / (CYCLES + 2) ? n : undefined;
          },
          `stream progress before rebalance ${cycle + 1}`,
        );
        intruder = fx.kafka.consumer({ groupId: names.group, sessionTimeout: 6_000, heartbeatInterval: 500, rebalanceTimeout: 20_000 });
        intruder.on(intruder.events.GROUP_JOIN, () => joins++);
        await intruder.connect();
        await intruder.subscribe({ topic: names.topic, fromBeginning: true });
        // holds what it gets: never resolves an offset, never commits
        await intruder.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch }) => {
            handed += batch.messages.length;
            await sleep(100);
          },
        });
        await sleep(1_500);
        await intruder.disconnect();
        intruder = undefined;
        cycles.push(storedBefore);
      }
      await producing;
      const count = await waitForKpiCount(server, TOTAL, 150_000);
      const commitFailures = await metric(server, 'northstar_kafka_commit_failures_total');
      const repeats = await metric(server, 'northstar_events_duplicate_total', { source: 'kafka' });
      expect((await fx.stop()).code).toBe(0);
      const stored = await storedCounts(fx.ws);
      console.log(
        `faults-rebalance: ${TOTAL} events (half with ids) in ${SENDS} sends; a second member joined ${joins} times (with ${cycles.join(', ')} stored) and left each time, ` +
          `handed ${handed} messages it never committed; KPI ${count}, stored ${stored.rows} (distinct ids ${stored.ids}, '' included); ` +
          `server commit failures ${commitFailures}, repeats dropped by id ${repeats}`,
      );
      expect(joins).toBe(CYCLES);
      expect(count).toBe(TOTAL);
      expect(stored.rows).toBe(TOTAL);
      // every id once, plus the empty id of the id-less half
      expect(stored.ids).toBe(TOTAL / 2 + 1);
    },
  );
});
