import { Kafka, logLevel, type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { parseEvent, type MetricEvent } from '@northstar/shared';
import type { RejectedRecord } from '../store/event-store.ts';
import type { Metrics } from '../observe/metrics.ts';
import type { Ingestor } from './ingestor.ts';

export interface KafkaIngestOptions {
  brokers: string[];
  topic: string;
  dlqTopic: string;
  groupId: string;
  /** Partitions given to the topic when this process has to create it. */
  partitions: number;
  ingestor: Ingestor;
  metrics: Metrics;
  log: Logger;
}

export const DLQ_REASON_HEADER = 'northstar-reason';
export const DLQ_ORIGIN_HEADER = 'northstar-origin';

interface Decoded {
  events: MetricEvent[];
  rejected: Array<RejectedRecord & { key: Buffer | null; value: Buffer | null }>;
}

/** Pure step: one Kafka batch → valid events and rejects, each reject with a reason and origin. */
export function decodeMessages(topic: string, partition: number, messages: EachBatchPayload['batch']['messages'], nowMs: number): Decoded {
  const out: Decoded = { events: [], rejected: [] };
  for (const m of messages) {
    const location = `${topic}/${partition}@${m.offset}`;
    const reject = (reason: string) =>
      out.rejected.push({ source: 'kafka', location, reason, raw: m.value ? m.value.toString('utf8') : '', key: m.key, value: m.value });
    if (!m.value || m.value.length === 0) {
      reject('empty message value (tombstone?)');
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(m.value.toString('utf8'));
    } catch (err) {
      reject(`not valid JSON (${(err as Error).message})`);
      continue;
    }
    const result = parseEvent(value, nowMs);
    if (result.ok) out.events.push(result.event);
    else reject(result.reason);
  }
  return out;
}

/**
 * Kafka source: a consumer group whose offsets are committed only after the batch is
 * in the store. A retried batch carries the same dedup token (topic/partition/offset
 * range), so the store drops it: at least once in, exactly once in effect.
 */
export class KafkaIngest {
  readonly #opts: KafkaIngestOptions;
  readonly #kafka: Kafka;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  #joined = false;

  constructor(opts: KafkaIngestOptions) {
    this.#opts = opts;
    this.#kafka = new Kafka({
      clientId: 'northstar',
      brokers: opts.brokers,
      logLevel: logLevel.WARN,
      logCreator: () => (entry) => opts.log.warn({ kafka: entry.namespace, ...entry.log }, entry.log.message),
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.#consumer = this.#kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
    this.#producer = this.#kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
    const { GROUP_JOIN, CRASH, DISCONNECT, STOP } = this.#consumer.events;
    this.#consumer.on(GROUP_JOIN, () => (this.#joined = true));
    for (const e of [CRASH, DISCONNECT, STOP]) this.#consumer.on(e, () => (this.#joined = false));
  }

  get joined(): boolean {
    return this.#joined;
  }

  async start(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = [this.#opts.topic, this.#opts.dlqTopic].filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({ topic, numPartitions: this.#opts.partitions, replicationFactor: 1 })),
        });
      }
    } finally {
      await admin.disconnect();
    }
    await this.#producer.connect();
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#opts.topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: (p) => this.#eachBatch(p),
    });
  }

  async #eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const { topic, partition } = batch;
    const first = batch.messages[0]!.offset;
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const decoded = decodeMessages(topic, partition, batch.messages, Date.now());
    this.#opts.metrics.eventsReceived.inc({ source: 'kafka' }, batch.messages.length);
    this.#opts.metrics.kafkaLag.set({ partition: String(partition) }, Number(batch.offsetLag()));
    if (decoded.rejected.length > 0) {
      await this.#producer.send({
        topic: this.#opts.dlqTopic,
        messages: decoded.rejected.map((r) => ({
          key: r.key,
          value: r.value,
          headers: { [DLQ_REASON_HEADER]: r.reason, [DLQ_ORIGIN_HEADER]: r.location },
        })),
      });
      await this.#opts.ingestor.reject(decoded.rejected.map(({ source, location, reason, raw }) => ({ source, location, reason, raw })));
    }
    await this.#opts.ingestor.writeBatch(decoded.events, 'kafka', `${topic}/${partition}/${first}-${last}`);
    // Only now is the batch durable: commit past its last offset.
    resolveOffset(last);
    await this.#consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
    await heartbeat();
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect();
    await this.#producer.disconnect();
  }
}
