import { describe, expect, it } from 'vitest';
import { seededRng } from '../apps/server/src/demo/generator.ts';
import { waitFor } from './support/harness.ts';
import { faultFixture, storedCounts } from './support/fault-fixture.ts';
import { eventMessage, metric, sleep, waitForKpiCount, waitReady } from './support/server-process.ts';

/**
 * kill -9 the real server process at random moments while 100 000 events stream into
 * Kafka, restart it on the same data directory each time, and check that every event
 * is stored and counted exactly once: nothing lost (offsets committed only after the
 * write), nothing twice (a redelivered range is recognised by event id, whatever its
 * batch boundaries are this time).
 */

const TOTAL = 100_000;
const SENDS = 100;
const PER_SEND = TOTAL / SENDS;
const MIN_KILLS = 4;
const SEED = Number(process.env.FAULT_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe('kill -9 during a Kafka stream', () => {
  const fx = faultFixture('kill9');

  it(
    'stores and counts 100 000 events exactly once across repeated kill -9 and restart, and after a rewind',
    { timeout: 270_000 },
    async () => {
      const random = seededRng(SEED);
      const { names, producer } = fx;
      // the group gives a killed member's partitions away after this long (the broker's minimum)
      const env = fx.serverEnv({ KAFKA_SESSION_TIMEOUT_MS: '6000' });
      let server = await fx.start(env);

      let sent = 0;
      const producing = (async () => {
        for (let s = 0; s < SENDS; s++) {
          const now = Date.now();
          const messages = Array.from({ length: PER_SEND }, (_, i) => eventMessage(`k9-${s}-${i}`, now));
          await producer.send({ topic: names.topic, acks: -1, messages });
          sent += PER_SEND;
          await sleep(150);
        }
      })();
      let producingDone = false;
      void producing.finally(() => (producingDone = true));

      // kill at random moments: during start-up, the group join, a fetch, an insert or a commit
      const kills: Array<{ afterMs: number; sent: number }> = [];
      let repeats = 0;
      while (!producingDone || kills.length < MIN_KILLS) {
        const afterMs = Math.round(300 + random() * 3_700);
        await sleep(afterMs);
        // what this life of the server dropped as repeats so far (redelivered ranges): shown, not asserted
        repeats += await metric(server, 'northstar_events_duplicate_total', { source: 'kafka' }).catch(() => 0);
        const exit = await server.kill9();
        expect(exit.signal).toBe('SIGKILL');
        kills.push({ afterMs, sent });
        server = await fx.start(env);
      }
      await producing;
      await waitReady(server);
      const kpi = await waitForKpiCount(server, TOTAL, 120_000);
      // a late redelivery would show up after the count first reached the total: look once more
      await sleep(3_000);
      const kpiLater = await waitForKpiCount(server, TOTAL, 1_000);
      repeats += await metric(server, 'northstar_events_duplicate_total', { source: 'kafka' });

      // The worst crash: one that lost every commit. kill -9 once more, rewind the group to the
      // start of the topic, and restart: all 100 000 arrive again, in batches cut differently
      // from the first time, and every one must be recognised by its id.
      await server.kill9();
      const admin = fx.kafka.admin();
      await admin.connect();
      try {
        // the killed member stays in the group until its session times out; until then the rewind is refused
        await waitFor(async () => {
          await admin.resetOffsets({ groupId: names.group, topic: names.topic, earliest: true });
          return true;
        }, 'the consumer group to be empty so its offsets can be rewound');
      } finally {
        await admin.disconnect();
      }
      server = await fx.start(env);
      const s = server;
      await waitFor(
        async () => ((await metric(s, 'northstar_events_duplicate_total', { source: 'kafka' })) >= TOTAL ? true : undefined),
        'the rewound topic to be read again',
        120_000,
      );
      const replayDropped = await metric(s, 'northstar_events_duplicate_total', { source: 'kafka' });
      const replayStored = await metric(s, 'northstar_events_stored_total', { source: 'kafka' });
      const kpiAfterReplay = await waitForKpiCount(s, TOTAL, 5_000);

      expect((await fx.stop()).code).toBe(0);
      const stored = await storedCounts(fx.ws);

      console.log(
        `faults-kill9: ${kills.length} × kill -9 (after ${kills.map((k) => `${(k.afterMs / 1000).toFixed(1)} s @${k.sent}`).join(', ')}); ` +
          `${repeats} redelivered events dropped by id; after rewinding the group, ${replayDropped} of ${TOTAL} read again were dropped and ${replayStored} stored; distinct ids stored ${stored.ids}, rows ${stored.rows}, KPI count ${kpiLater} of ${TOTAL} sent (seed ${SEED}, FAULT_TEST_SEED replays it)`,
      );
      expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(stored.ids).toBe(TOTAL);
      expect(stored.rows).toBe(TOTAL);
      expect(kpi).toBe(TOTAL);
      expect(kpiLater).toBe(TOTAL);
      expect(replayDropped).toBe(TOTAL);
      expect(replayStored).toBe(0);
      expect(kpiAfterReplay).toBe(TOTAL);
    },
  );
});
