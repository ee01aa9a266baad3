import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaClient } from '../kafka/client.ts';
import { startWithRetry } from '../kafka/start-retry.ts';
import { ensureTopic, type TopicSettings } from '../kafka/topics.ts';
import { decodePartials, PartialMessageError, type PartialsMessage } from '../partials/codec.ts';
import { murmurHash3_32 } from '../store/murmur3.ts';
import { RECEIVE_HORIZON_MS, type PartialsCount, type PartialsPublisher } from './partials-count.ts';

export interface KafkaPartialsOptions {
  brokers: string[];
  /** The compacted topic, e.g. northstar.events.kpi-partials. */
  topic: string;
  partitions: number;
  /** This instance's own consumer group (every instance reads every partial). */
  groupId: string;
  count: PartialsCount;
  log: Logger;
}

/** Read back this much further than the receivers keep, for partials published a little after their second. */
const READ_BACK_MARGIN_MS = 60_000;
/**
 * Compaction keeps the latest value per key; keys are per second, so old ones are also
 * deleted after this (in segments of SEGMENT_MS): a starting instance reads the topic from
 * its start, so the topic holds little more than the receivers' horizon.
 */
const RETENTION_MS = 3600_000;
const SEGMENT_MS = 10 * 60_000;
const TOPIC_SETTINGS: TopicSettings = {
  replicationFactor: 1,
  configEntries: [
    { name: 'cleanup.policy', value: 'compact,delete' },
    { name: 'retention.ms', value: String(RETENTION_MS) },
    { name: 'segment.ms', value: String(SEGMENT_MS) },
  ],
};
/** How long start keeps trying on a just-created topic before the server gives up. */
const START_TIMEOUT_MS = 60_000;
const START_RETRY_MS = 1_000;
/** How long a new owner waits to read the topic to its end before it carries on anyway (logged). */
const CATCH_UP_MAX_MS = 15_000;

/**
 * The partials topic: a compacted Kafka topic every instance publishes its partials to and
 * reads all partials from (partials-count.ts decides what goes in and what comes out). A
 * source's partials and watermark go to one partition, so they are read in the order sent.
 */
export class KafkaPartials implements PartialsPublisher {
  readonly #opts: KafkaPartialsOptions;
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  #consumer: Consumer;
  /** Next offset to read, per partition of the topic. */
  readonly #position = new Map<number, bigint>();
  #partitions = 0;
  #readFrom = 0;
  #badLogged = 0;

  constructor(opts: KafkaPartialsOptions) {
    this.#opts = opts;
    this.#kafka = kafkaClient({ clientId: 'northstar-partials', brokers: opts.brokers, log: opts.log });
    this.#producer = this.#kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    this.#consumer = this.#newConsumer();
  }

  #newConsumer(): Consumer {
    return this.#kafka.consumer({ groupId: this.#opts.groupId, maxWaitTimeInMs: 100, sessionTimeout: 30_000 });
  }

  async start(): Promise<void> {
    // a just-created topic answers "does not host this topic-partition" or "not the leader" for a
    // while (seen in faults-dlq at start-up): start again with a fresh consumer
    await startWithRetry(() => this.#startOnce(), {
      what: 'partials topic reader',
      log: this.#opts.log,
      timeoutMs: START_TIMEOUT_MS,
      retryMs: START_RETRY_MS,
      reset: async () => {
        await this.#consumer.disconnect().catch(() => undefined);
        this.#consumer = this.#newConsumer();
      },
    });
    this.#opts.count.connect(this);
    await this.caughtUp();
  }

  async #startOnce(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, this.#opts.topic, this.#opts.partitions, TOPIC_SETTINGS);
      await this.#producer.connect();
      await this.#consumer.connect();
      this.#partitions = (await admin.fetchTopicOffsets(this.#opts.topic)).length;
      // every instance reads the recent partials again on start (its windows take them:
      // partials-count.ts). From the start, skipping older messages by their time: a
      // seek to an offset by time before the group's first join was not applied (kafkajs 2.2.4).
      this.#readFrom = Date.now() - RECEIVE_HORIZON_MS - READ_BACK_MARGIN_MS;
      await this.#consumer.subscribe({ topic: this.#opts.topic, fromBeginning: true });
      await this.#consumer.run({ autoCommit: false, eachBatch: (p) => this.#eachBatch(p) });
    } finally {
      await admin.disconnect();
    }
  }

  async #eachBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    const decoded: PartialsMessage[] = [];
    for (const m of batch.messages) {
      if (Number(m.timestamp) < this.#readFrom) continue;
      try {
        decoded.push(decodePartials(m.key, m.value, `${batch.topic}/${batch.partition}@${m.offset}`));
      } catch (err) {
        if (!(err instanceof PartialMessageError)) throw err;
        // refused whole and skipped: a bad message must not stop every instance's wall
        if (this.#badLogged++ % 100 === 0) this.#opts.log.error({ err: err.message }, 'refused a message on the partials topic');
      }
    }
    this.#opts.count.receive(decoded);
    const last = batch.messages.at(-1);
    if (last) {
      resolveOffset(last.offset);
      this.#position.set(batch.partition, BigInt(last.offset) + 1n);
    }
    await heartbeat();
  }

  /** Resolves once everything on the topic now has been read (a new owner of a partition waits for this). */
  async caughtUp(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    let ends: Array<{ partition: number; high: string }>;
    try {
      ends = await admin.fetchTopicOffsets(this.#opts.topic);
    } finally {
      await admin.disconnect();
    }
    const deadline = Date.now() + CATCH_UP_MAX_MS;
    const behind = () => ends.filter(({ partition, high }) => (this.#position.get(partition) ?? 0n) < BigInt(high));
    while (behind().length > 0) {
      if (Date.now() > deadline) {
        this.#opts.log.warn({ behind: behind().length }, 'the partials topic was not read to its end in time; carrying on');
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async publish(messages: Array<{ source: string; key: string; value: string }>): Promise<void> {
    if (messages.length === 0) return;
    const n = this.#partitions || this.#opts.partitions;
    await this.#producer.send({
      topic: this.#opts.topic,
      acks: -1,
      messages: messages.map(({ source, key, value }) => ({ key, value, partition: (murmurHash3_32(source) >>> 0) % n })),
    });
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
    await this.#producer.disconnect();
  }
}
