import type { MetricEvent } from '@northstar/shared';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { kafkaClient } from '../kafka/client.ts';
import type { Metrics } from '../observe/metrics.ts';
import { untilDone, type BatchLease } from './batch-retry.ts';
import { decodeBatch, type Decoded, type KafkaReject } from './decode-batch.ts';
import type { Ingestor } from './ingestor.ts';
import { sharedDecodePool, type DecodePool } from './decode-pool.ts';
import { InFlightBudget } from './in-flight-budget.ts';
import type { PartitionPartials, RecoveryRange } from './partition-partials.ts';
import { RejectKeeper } from './reject-keeper.ts';
import { kafkaSource, tagSource } from '../partials/source-tag.ts';
import { collectReplies, REPLY_TO_HEADER } from './verdict-messages.ts';
import type { Verdict, VerdictReply } from './verdicts.ts';

export interface KafkaIngestOptions {
  brokers: string[];
  topic: string;
  dlqTopic: string;
  groupId: string;
  sessionTimeoutMs: number;
  /** Partitions given to the topic when this process has to create it. */
  partitions: number;
  ingestor: Ingestor;
  metrics: Metrics;
  log: Logger;
  /** Where batches are parsed and checked; default: the process's decode pool (decode-pool.ts). */
  decoder?: DecodePool;
  /** Bytes of batches taken and not yet committed, across partitions (in-flight-budget.ts). */
  maxInFlightBytes?: number;
  partials?: PartitionPartials;
  /** Where the verdicts on events an HTTP instance forwarded go (kafka-verdicts.ts); without it, nowhere. */
  verdicts?: { send(replies: readonly VerdictReply[]): Promise<void> };
}

export { DLQ_ORIGIN_HEADER, DLQ_REASON_HEADER, DLQ_SIZE_HEADER, DLQ_TRUNCATED_HEADER } from './dead-letter.ts';

/** Batches (of different partitions) decoded, checked and written at once: two cores, so a few suffice. */
const PARTITIONS_IN_PARALLEL = 3;
/** One partition's share of a fetch, and a whole fetch: what kafkajs holds per broker before handing batches over. */
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
const MAX_FETCH_BYTES = PARTITIONS_IN_PARALLEL * MAX_BYTES_PER_PARTITION;
/** Default bound on batches in hand across partitions (and brokers: kafkajs fetches from each at once). */
const DEFAULT_IN_FLIGHT_BYTES = 16 * 1024 * 1024;
/** After a crash kafkajs does not restart from (a non-retriable error), this process restarts the consumer. */
const RESTART_AFTER_MS = 2_000;

/**
 * Kafka source: a consumer group whose offsets are committed only after the batch is
 * in the store. A redelivered event with an id is dropped by the ingestor's id check;
 * a retried batch of id-less events carries the same dedup token (topic/partition/offset
 * range), so the store drops it: at least once in, exactly once in effect.
 *
 * While the store refuses writes the batch is held, unresolved, and retried with
 * backoff: kafkajs fetches nothing more until it returns, so memory stays at one
 * fetch, and consumption resumes by itself once a write succeeds.
 */
export class KafkaIngest {
  readonly #opts: KafkaIngestOptions;
  readonly #kafka: Kafka;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  #joined = false;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  readonly #rejects: RejectKeeper;
  readonly #decoder: DecodePool;
  readonly #budget: InFlightBudget;
  /** Partitions whose partials this instance continues (adopted since the last rebalance). */
  readonly #adopted = new Set<number>();
  /** Per partition: offsets the previous owner may have stored without publishing (PartitionPartials.adopt). */
  readonly #recovering = new Map<number, RecoveryRange>();

  constructor(opts: KafkaIngestOptions) {
    this.#opts = opts;
    this.#decoder = opts.decoder ?? sharedDecodePool();
    this.#budget = new InFlightBudget(opts.maxInFlightBytes ?? DEFAULT_IN_FLIGHT_BYTES);
    this.#kafka = kafkaClient({ clientId: 'northstar', brokers: opts.brokers, log: opts.log });
    this.#consumer = this.#kafka.consumer({
      groupId: opts.groupId,
      sessionTimeout: opts.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(opts.sessionTimeoutMs / 3)),
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      maxBytes: MAX_FETCH_BYTES,
      // an idle fetch returns after this long; shutdown waits for the fetch in flight, so
      // the default 5 s would be added to every SIGTERM
      maxWaitTimeInMs: 1_000,
    });
    // idempotent: the producer's own retries of a send are not written twice; few retries of
    // its own, because the DLQ's retries are bounded one level up (dead-letter.ts)
    this.#producer = this.#kafka.producer({
      allowAutoTopicCreation: false,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
    });
    this.#rejects = new RejectKeeper({
      producer: this.#producer,
      dlqTopic: opts.dlqTopic,
      ingestor: opts.ingestor,
      metrics: opts.metrics,
      log: opts.log,
    });
    const { GROUP_JOIN, CRASH, DISCONNECT, STOP } = this.#consumer.events;
    this.#consumer.on(GROUP_JOIN, ({ payload }) => {
      this.#joined = true;
      const assigned = new Set(payload.memberAssignment[opts.topic] ?? []);
      for (const p of this.#adopted) if (!assigned.has(p)) opts.partials?.release(kafkaSource(opts.topic, p));
      // a partition kept may have been another instance's in between: adopt again from the topic
      this.#adopted.clear();
    });
    for (const e of [CRASH, DISCONNECT, STOP]) this.#consumer.on(e, () => (this.#joined = false));
    this.#consumer.on(CRASH, ({ payload }) => {
      opts.log.error({ err: payload.error.message, restart: payload.restart }, 'kafka consumer crashed');
      // kafkajs restarts itself after retriable errors; after any other, so do we
      if (!payload.restart) this.#scheduleRestart();
    });
  }

  #scheduleRestart(): void {
    if (this.#stopping || this.#restartTimer) return;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping) return;
      this.#opts.log.warn('restarting the kafka consumer');
      this.#run().catch((err: Error) => {
        this.#opts.log.error({ err: err.message }, 'kafka consumer restart failed; trying again');
        this.#scheduleRestart();
      });
    }, RESTART_AFTER_MS);
  }

  get joined(): boolean {
    return this.#joined;
  }

  /** Set while the DLQ refuses rejects (they are kept in rejected_events only): /readyz says degraded. */
  get dlqProblem(): string | undefined {
    return this.#rejects.dlqProblem;
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
    await this.#run();
  }

  async #run(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#opts.topic, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // one partition's id check and decode overlap another's insert; the id guard keeps
      // concurrent batches from storing an id twice, and each partition commits on its own
      partitionsConsumedConcurrently: PARTITIONS_IN_PARALLEL,
      eachBatch: (p) => this.#eachBatch(p),
    });
  }

  /** The batch's bytes are held (in-flight-budget.ts) from before its decode until it is committed or given up. */
  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const live = () => isRunning() && !isStale();
    let bytes = 0;
    for (const m of batch.messages) bytes += (m.value?.length ?? 0) + (m.key?.length ?? 0);
    if (!(await this.#budget.acquire(bytes, live, heartbeat))) return;
    try {
      await this.#handleBatch(payload, bytes, live);
    } finally {
      this.#budget.release(bytes);
    }
  }

  async #handleBatch({ batch, resolveOffset, heartbeat }: EachBatchPayload, bytes: number, live: () => boolean): Promise<void> {
    const { topic, partition } = batch;
    const first = batch.messages[0]!.offset;
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const token = `${topic}/${partition}/${first}-${last}`;
    const source = kafkaSource(topic, partition);
    const lease: BatchLease = { live, heartbeat };
    const partials = this.#opts.partials;
    if (partials && !this.#adopted.has(partition)) {
      const range = await partials.adopt(source);
      if (range) this.#recovering.set(partition, range);
      else this.#recovering.delete(partition);
      this.#adopted.add(partition);
    }
    // the intent goes out while the batch is decoded: it costs a round trip, not a step
    const announced = partials
      ? untilDone('partials', lease, this.#opts, async () => {
          await partials.announce(source, last);
          return true;
        })
      : Promise.resolve(true);
    const [decoded, intentSent] = await Promise.all([
      decodeBatch(this.#decoder, topic, partition, batch.messages, bytes, Date.now()),
      announced,
    ]);
    // rebalanced meanwhile: the partition's next owner reads the batch again
    if (!intentSent || !live()) return;
    if (partials) decoded.events.forEach((e, i) => tagSource(e, { source, offset: decoded.messages[i]!.offset }));
    this.#opts.metrics.eventsReceived.inc({ source: 'kafka' }, batch.messages.length);
    this.#opts.metrics.kafkaLag.set({ partition: String(partition) }, Number(batch.offsetLag()));
    // Each step is retried alone, so one that succeeded is not repeated while a later one waits.
    if (decoded.rejected.length > 0) {
      const kept = await this.#rejects.keep(decoded.rejected, `rejected:${token}`, lease);
      if (!kept) return;
    }
    const written = await untilDone('store', lease, this.#opts, () =>
      this.#opts.ingestor.writeBatchIsolating(decoded.events, 'kafka', token),
    );
    // Stopping or rebalanced while the store was down: leave the batch uncommitted, it is read again.
    if (!written) return;
    if (written.refused.length > 0) {
      // rows the store can never take: rejects like any other, so the partition goes on
      const refused: KafkaReject[] = written.refused.map(({ row, reason }) => {
        const m = decoded.messages[decoded.events.indexOf(row)]!;
        const origin = `${topic}/${partition}@${m.offset}`;
        return { source: 'kafka', location: origin, origin, reason, raw: m.value?.toString('utf8') ?? '', key: m.key, value: m.value };
      });
      this.#opts.log.error(
        { topic, partition, rows: refused.length, reason: refused[0]!.reason },
        'the store refused rows for good; kept as rejects',
      );
      const kept = await this.#rejects.keep(refused, `refused:${token}`, lease);
      if (!kept) return;
    }
    // Counted once stored: every instance merges the batch's partials before its offsets are committed.
    if (partials) {
      const range = this.#recovering.get(partition);
      if (range) {
        const refused = new Set(written.refused.map((r) => r.row));
        const recovered = partials.recover(
          decoded.events.filter((e) => !refused.has(e)),
          range,
        );
        if (recovered > 0)
          this.#opts.log.info({ topic, partition, recovered }, 'counted events the previous owner stored but did not publish');
        if (BigInt(last) >= range.upTo) this.#recovering.delete(partition);
      }
      const published = await untilDone('partials', lease, this.#opts, async () => {
        await partials.publish(source, last);
        return true;
      });
      if (!published) return;
    }
    // Stored, counted and published: the HTTP requests waiting on events of this batch get their verdicts
    await this.#sendVerdicts(decoded, written);
    // Only now is the batch durable: commit past its last offset.
    resolveOffset(last);
    try {
      await this.#consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
    } catch (err) {
      // The events are stored; the range comes back after a restart or rebalance and its ids are dropped then.
      this.#opts.metrics.kafkaCommitFailures.inc();
      this.#opts.log.warn({ err: (err as Error).message, topic, partition, offset: last }, 'offset commit failed after the write');
    }
    await heartbeat();
  }

  /**
   * One try (the producer retries a little itself): a verdict lost is a request answered 503
   * after its timeout, and its retry is safe (its events have ids), so the partition does not wait.
   */
  async #sendVerdicts(
    decoded: Decoded,
    written: { repeats: readonly MetricEvent[]; refused: ReadonlyArray<{ row: MetricEvent; reason: string }> },
  ) {
    const sender = this.#opts.verdicts;
    const forwarded = (m: KafkaMessage) => m.headers?.[REPLY_TO_HEADER] !== undefined;
    // most batches come from producers of our users: nobody waits, no per-event work
    if (!sender || !(decoded.messages.some(forwarded) || decoded.rejectedFrom.some(forwarded))) return;
    const repeats = new Set(written.repeats);
    const refused = new Map(written.refused.map((r) => [r.row, r.reason]));
    const verdicts: Array<[KafkaMessage, Verdict]> = decoded.events.map((e, i) => {
      const reason = refused.get(e);
      const verdict: Verdict =
        reason !== undefined ? { outcome: 'refused', reason } : repeats.has(e) ? { outcome: 'duplicate' } : { outcome: 'stored' };
      return [decoded.messages[i]!, verdict];
    });
    decoded.rejected.forEach((r, i) => verdicts.push([decoded.rejectedFrom[i]!, { outcome: 'refused', reason: r.reason }]));
    const replies = collectReplies(verdicts);
    try {
      await sender.send(replies);
    } catch (err) {
      this.#opts.log.warn(
        { err: (err as Error).message, requests: replies.length },
        'could not send verdicts; those HTTP requests time out',
      );
    }
  }

  /** Lets the batch in hand finish (its write and commit, or its retries end), then leaves the group. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    await this.#consumer.disconnect();
    await this.#producer.disconnect();
  }
}
