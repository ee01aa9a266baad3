import type { KafkaMessage, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DLQ_ORIGIN_HEADER, DLQ_REASON_HEADER } from '../apps/server/src/ingest/kafka-consumer.ts';
import { seededRng } from '../apps/server/src/demo/generator.ts';
import { countStored, faultFixture, readStoreAfterExit } from './support/fault-fixture.ts';
import { waitFor } from './support/harness.ts';
import { FAULT_METRIC, eventMessage, queryOne, waitForKpiCount, waitReady } from './support/server-process.ts';

/**
 * Poison messages interleaved with good ones on every partition: each good event is
 * stored and counted, each bad one lands on the DLQ topic (read back here with a
 * consumer, unchanged, with its reason and origin) and in rejected_events.
 */

const GOOD = 3_000;
const SEED = Number(process.env.FAULT_TEST_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** Every kind of bad message a producer can send, with a word its reason must contain. */
const POISON: Array<{ value: string | Buffer | null; reason: RegExp }> = [
  { value: 'this is {not json', reason: /JSON/ },
  { value: JSON.stringify({ metric: FAULT_METRIC, value: 'oops' }), reason: /value/ },
  { value: JSON.stringify({ value: 1 }), reason: /metric/ },
  { value: JSON.stringify({ metric: 'Bad Metric!', value: 1 }), reason: /metric/ },
  { value: JSON.stringify({ metric: FAULT_METRIC, value: 1, ts: '2999-01-01T00:00:00Z' }), reason: /future/ },
  { value: '{"metric":"fault.events","value":1e309}', reason: /value/ },
  { value: JSON.stringify([{ metric: FAULT_METRIC, value: 1 }]), reason: /object/ },
  { value: null, reason: /empty/ },
  // invalid UTF-8 in an id: refused with its offset, never turned into U+FFFD (issue 14, defect 5)
  {
    value: Buffer.from('{"metric":"fault.events","value":1,"id":"\xff"}', 'latin1'),
    reason: /not valid UTF-8: byte 0xff at byte offset 41/,
  },
  // a lone surrogate in a field name: its reason holds one too, which the store's JSON input refused, holding the partition
  { value: '{"metric":"fault.events","value":1,"dims":{"\\ud800":"x"}}', reason: /dimension name/ },
  // an own __proto__ key would be dropped by a plain object, widening what the event says (defect 4)
  { value: JSON.stringify({ metric: FAULT_METRIC, value: 1 }).replace('}', ',"dims":{"__proto__":"p","a":"b"}}'), reason: /__proto__/ },
];

function header(m: KafkaMessage, name: string): string {
  const raw = m.headers?.[name];
  return raw === undefined ? '' : String(raw);
}

describe('poison messages among good ones', () => {
  const fx = faultFixture('poison', { beforeCleanup: () => dlqConsumer.disconnect().catch(() => undefined) });
  const dlqConsumer = fx.kafka.consumer({ groupId: `dlq-reader-${Date.now()}` });

  it('counts every good event and puts every bad one in the DLQ and rejected_events', { timeout: 120_000 }, async () => {
    const random = seededRng(SEED);
    const { names, producer } = fx;
    const server = await fx.start(fx.serverEnv());
    await waitReady(server);

    // about one bad message in ten, each kind several times, in random places
    const messages: Message[] = [];
    const bad = new Map<string, RegExp>();
    const now = Date.now();
    for (let i = 0; i < GOOD; i++) {
      messages.push(eventMessage(`good-${i}`, now));
      if (random() < 0.1) {
        const kind = POISON[bad.size % POISON.length]!;
        const key = `bad-${bad.size}`;
        bad.set(key, kind.reason);
        messages.push({ key, value: kind.value });
      }
    }
    for (let i = 0; i < messages.length; i += 500) {
      await producer.send({ topic: names.topic, acks: -1, messages: messages.slice(i, i + 500) });
    }

    const dead: KafkaMessage[] = [];
    await dlqConsumer.connect();
    await dlqConsumer.subscribe({ topic: names.dlqTopic, fromBeginning: true });
    await dlqConsumer.run({ eachMessage: async ({ message }) => void dead.push(message) });

    const count = await waitForKpiCount(server, GOOD);
    await waitFor(() => (dead.length >= bad.size ? true : undefined), `${bad.size} messages on the DLQ`);

    expect((await fx.stop()).code).toBe(0);
    const { stored, rejected } = await readStoreAfterExit(fx.ws, async (store) => ({
      stored: await countStored(store),
      rejected: await queryOne<{ rows: string; origins: string }>(
        store,
        "SELECT count() AS rows, uniqExact(location) AS origins FROM rejected_events WHERE source = 'kafka'",
      ),
    }));

    console.log(
      `faults-poison: ${GOOD} good and ${bad.size} bad messages (${POISON.length} kinds) interleaved on 3 partitions; ` +
        `KPI count ${count}, stored ${stored.rows}; DLQ ${dead.length}, rejected_events ${rejected.rows} (seed ${SEED})`,
    );
    expect(count).toBe(GOOD);
    expect(stored.rows).toBe(GOOD);
    expect(stored.ids).toBe(GOOD);
    expect(dead).toHaveLength(bad.size);
    expect(new Set(dead.map((m) => m.key?.toString())).size).toBe(bad.size);
    for (const m of dead) {
      const key = m.key?.toString() ?? '';
      expect(bad.has(key), `unexpected DLQ message ${key}`).toBe(true);
      expect(header(m, DLQ_REASON_HEADER)).toMatch(bad.get(key)!);
      expect(header(m, DLQ_ORIGIN_HEADER)).toMatch(new RegExp(`^${names.topic.replace(/\./g, '\\.')}/\\d@\\d+$`));
    }
    expect(Number(rejected.rows)).toBe(bad.size);
    expect(Number(rejected.origins)).toBe(bad.size);
  });
});
