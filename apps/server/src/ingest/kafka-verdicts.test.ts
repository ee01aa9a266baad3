import { type EachBatchPayload, type Kafka, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { KafkaVerdicts } from './kafka-verdicts.ts';

// kafkajs's own error classes, as a consumer's first join throws them
const protocolError = (message: string, type: string, code: number, retriable: boolean) =>
  new KafkaJSProtocolError(Object.assign(new Error(message), { type, code, retriable }));
const notLeader = () =>
  new KafkaJSNumberOfRetriesExceeded(
    protocolError('This server is not the leader for that topic-partition', 'NOT_LEADER_FOR_PARTITION', 6, true),
    { retryCount: 8, retryTime: 10_000 },
  );
const denied = () => protocolError('Not authorized to access group', 'GROUP_AUTHORIZATION_FAILED', 30, false);

const TOPIC = 'events.ingest-verdicts';

/**
 * A one-broker stand-in with just what start() calls: a consumer's run() throws the next of
 * `runErrors` (then succeeds), and a send to the verdicts topic is handed to the running
 * consumer, so the start-up probe comes back as on a broker.
 */
function fakeKafka(runErrors: Error[]) {
  const seen = { consumers: 0, runs: 0, disconnected: 0 };
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => [TOPIC],
      fetchTopicOffsets: async () => [0, 1, 2].map((partition) => ({ partition, offset: '0', high: '0', low: '0' })),
    }),
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async ({ topic, messages }: { topic: string; messages: Array<{ key: string; value: string }> }) => {
        if (topic !== TOPIC || !eachBatch) return;
        const batch = { messages: messages.map((m) => ({ key: Buffer.from(m.key), value: Buffer.from(m.value) })) };
        await eachBatch({ batch, heartbeat: async () => undefined } as unknown as EachBatchPayload);
      },
    }),
    consumer: () => {
      seen.consumers++;
      return {
        events: { CRASH: 'consumer.crash' },
        on: () => undefined,
        connect: async () => undefined,
        disconnect: async () => void seen.disconnected++,
        subscribe: async () => undefined,
        run: async (opts: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
          seen.runs++;
          const err = runErrors.shift();
          if (err) throw err;
          eachBatch = opts.eachBatch;
        },
      };
    },
  };
  return { kafka: kafka as unknown as Kafka, seen };
}

function verdicts(kafka: Kafka) {
  return new KafkaVerdicts({
    brokers: ['127.0.0.1:1'],
    eventsTopic: 'events',
    topic: TOPIC,
    partitions: 3,
    groupId: 'northstar',
    timeoutMs: 1_000,
    onTimeout: () => undefined,
    log: pino({ level: 'silent' }),
    kafka,
  });
}

describe('KafkaVerdicts.start', () => {
  it('fails at once on an error another attempt cannot change, saying which topic and group', async () => {
    const { kafka, seen } = fakeKafka([denied()]);
    const started = Date.now();
    const err: Error = await verdicts(kafka)
      .start()
      .then(
        () => Promise.reject(new Error('started')),
        (e: Error) => e,
      );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err.message).toContain(`the verdicts reader did not start on topic ${TOPIC} (group northstar.verdicts.*)`);
    expect(err.message).toContain('Not authorized to access group');
    expect(err.message).toContain('another attempt cannot change this');
    expect(err.cause).toBeInstanceOf(KafkaJSProtocolError);
    expect(seen.runs).toBe(1);
  });

  it('starts again with a fresh consumer after a leader election, then reads its own probe back', async () => {
    const { kafka, seen } = fakeKafka([notLeader()]);
    const v = verdicts(kafka);
    await v.start();
    expect(seen.runs).toBe(2);
    // the failed member is left and a new one made, as the partials reader and the rule owners do
    expect(seen.consumers).toBe(2);
    expect(seen.disconnected).toBe(1);
    await v.stop();
  });
});
