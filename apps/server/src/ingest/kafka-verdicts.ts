import { randomUUID } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { MetricEvent } from '@northstar/shared';
import { kafkaClient } from '../kafka/client.ts';
import { isRetriable, startWithRetry } from '../kafka/start-retry.ts';
import { ensureTopic, type TopicSettings } from '../kafka/topics.ts';
import { murmurHash3_32 } from '../store/murmur3.ts';
import { decodeReply, encodeReply, replyHeaders } from './verdict-messages.ts';
import { ForwardError, PendingVerdicts, VerdictTimeoutError, type Verdict, type VerdictReply } from './verdicts.ts';

export interface KafkaVerdictsOptions {
  brokers: string[];
  /** The events topic HTTP events with an id are produced to. */
  eventsTopic: string;
  /** The verdicts topic, e.g. northstar.events.ingest-verdicts. */
  topic: string;
  partitions: number;
  /** The events' group: this instance reads the verdicts topic in a group of its own derived from it. */
  groupId: string;
  timeoutMs: number;
  onTimeout: () => void;
  log: Logger;
  /** Events waiting for a verdict across requests (default MAX_WAITING_EVENTS). */
  maxWaitingEvents?: number;
  /** The Kafka client (default: kafkaClient on `brokers`); tests hand in their own. */
  kafka?: Kafka;
}

/** About ten full requests of small events: past it a request is answered busy rather than held. */
const MAX_WAITING_EVENTS = 200_000;
/** Verdicts are read within seconds or never: the topic keeps them briefly. */
const RETENTION_MS = 10 * 60_000;
const SEGMENT_MS = 60_000;
const TOPIC_SETTINGS: TopicSettings = {
  replicationFactor: 1,
  configEntries: [
    { name: 'cleanup.policy', value: 'delete' },
    { name: 'retention.ms', value: String(RETENTION_MS) },
    { name: 'segment.ms', value: String(SEGMENT_MS) },
  ],
};
/** How long start tries again on retriable errors, and waits to read its own probe back, before it gives up (the brokers are not serving). */
const READY_MAX_MS = 60_000;
const START_RETRY_MS = 500;
const PROBE_EVERY_MS = 1_000;
const RESTART_AFTER_MS = 2_000;

/**
 * HTTP events that carry an id, through Kafka (issue 17): produced to the events topic keyed
 * by their identity, so every copy of an event lands on one partition and one instance's id
 * check, whichever instance it was posted to; the owner of that partition publishes, once the
 * batch is stored, a verdict per event (stored, duplicate, refused) to the verdicts topic,
 * keyed by the posting instance; every instance reads that topic from its end and answers
 * its waiting requests with them.
 */
export class KafkaVerdicts {
  readonly #opts: KafkaVerdictsOptions;
  readonly #kafka: Kafka;
  readonly #producer: Producer;
  #consumer: Consumer;
  readonly #pending: PendingVerdicts;
  /** This process's reply address: new on every start, so nothing addressed to a previous run is taken for ours. */
  readonly instance = `http-${randomUUID()}`;
  #partitions = 0;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #probe: { id: string; seen: () => void } | undefined;

  constructor(opts: KafkaVerdictsOptions) {
    this.#opts = opts;
    this.#kafka = opts.kafka ?? kafkaClient({ clientId: 'northstar-verdicts', brokers: opts.brokers, log: opts.log });
    this.#producer = this.#kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
    this.#consumer = this.#newConsumer();
    this.#pending = new PendingVerdicts({
      maxWaitingEvents: opts.maxWaitingEvents ?? MAX_WAITING_EVENTS,
      timeoutMs: opts.timeoutMs,
      onTimeout: opts.onTimeout,
    });
  }

  #newConsumer(): Consumer {
    const consumer = this.#kafka.consumer({
      groupId: `${this.#opts.groupId}.verdicts.${this.instance}`,
      maxWaitTimeInMs: 100,
      sessionTimeout: 30_000,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#opts.log.error({ err: payload.error.message, restart: payload.restart }, 'the verdicts reader crashed');
      // kafkajs restarts itself after retriable errors; after any other, so do we: without the
      // reader every request with ids would time out. Verdicts sent meanwhile are not read (503, retry).
      if (!payload.restart) this.#scheduleRestart();
    });
    return consumer;
  }

  get waitingEvents(): number {
    return this.#pending.waitingEvents;
  }

  /** Resolves once this instance reads the verdicts topic: a verdict produced from now on reaches it. */
  async start(): Promise<void> {
    // a topic just created (here or by another instance starting with this one) can answer 'does
    // not host this topic-partition' or 'not the leader' for a while, past kafkajs's own retries
    // (seen starting two instances at once): start again with a fresh consumer. An error another
    // attempt cannot change (authorization, a bad setting) is thrown at once.
    await startWithRetry(() => this.#startOnce(), {
      what: 'verdicts reader',
      log: this.#opts.log,
      timeoutMs: READY_MAX_MS,
      retryMs: START_RETRY_MS,
      reset: async () => {
        await this.#consumer.disconnect().catch(() => undefined);
        this.#consumer = this.#newConsumer();
      },
    }).catch((err: unknown) => {
      throw this.#startError(err);
    });
    await this.#readOwnProbe();
  }

  async #startOnce(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, this.#opts.topic, this.#opts.partitions, TOPIC_SETTINGS);
      this.#partitions = (await admin.fetchTopicOffsets(this.#opts.topic)).length;
    } finally {
      await admin.disconnect();
    }
    await this.#producer.connect();
    await this.#read();
  }

  /** Says which topic and group did not start and whether waiting longer could help, with Kafka's own error as the cause. */
  #startError(err: unknown): Error {
    const message = err instanceof Error ? err.message : String(err);
    const { topic, groupId } = this.#opts;
    const why = isRetriable(err)
      ? `still failing after ${READY_MAX_MS} ms: are the brokers serving?`
      : "another attempt cannot change this: check the brokers' authorization and the Kafka settings";
    return new Error(`the verdicts reader did not start on topic ${topic} (group ${groupId}.verdicts.*): ${message} (${why})`, {
      cause: err,
    });
  }

  async #read(): Promise<void> {
    await this.#consumer.connect();
    // a group of its own with no committed offset starts at the end: verdicts of before are not ours
    await this.#consumer.subscribe({ topic: this.#opts.topic, fromBeginning: false });
    await this.#consumer.run({ autoCommit: false, eachBatch: (p) => this.#eachBatch(p) });
  }

  #scheduleRestart(): void {
    if (this.#stopping || this.#restartTimer) return;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#stopping) return;
      this.#read().catch((err: Error) => {
        this.#opts.log.error({ err: err.message }, 'the verdicts reader did not restart; trying again');
        this.#scheduleRestart();
      });
    }, RESTART_AFTER_MS);
  }

  /**
   * The consumer's position is set by its first fetch after joining, at some moment after
   * run(): until a probe sent to our partition comes back, a verdict could be sent before it
   * and never read.
   */
  async #readOwnProbe(): Promise<void> {
    const id = randomUUID();
    const seen = new Promise<void>((resolve) => (this.#probe = { id, seen: resolve }));
    const deadline = Date.now() + READY_MAX_MS;
    let done = false;
    let lastError = '';
    void seen.then(() => (done = true));
    while (!done) {
      if (Date.now() > deadline)
        throw new Error(
          `the verdicts topic ${this.#opts.topic}: did not read this instance's probe back within ${READY_MAX_MS} ms${lastError ? ` (${lastError})` : ''}`,
        );
      try {
        await this.#producer.send({
          topic: this.#opts.topic,
          acks: -1,
          messages: [{ key: this.instance, value: JSON.stringify({ probe: id }), partition: this.#partitionOf(this.instance) }],
        });
      } catch (err) {
        // a topic just created can answer 'not the leader' for a while, past the producer's own
        // retries; what another send cannot change (e.g. not authorized to write) is thrown at once
        if (!isRetriable(err)) throw this.#startError(err);
        lastError = (err as Error).message;
      }
      await Promise.race([seen, new Promise((r) => setTimeout(r, PROBE_EVERY_MS))]);
    }
    this.#probe = undefined;
  }

  #partitionOf(instance: string): number {
    return (murmurHash3_32(instance) >>> 0) % (this.#partitions || this.#opts.partitions);
  }

  async #eachBatch({ batch, heartbeat }: EachBatchPayload): Promise<void> {
    for (const m of batch.messages) {
      if (m.key?.toString('utf8') !== this.instance) continue;
      const reply = decodeReply(m.value);
      if (reply) this.#pending.settle(reply);
      else if (this.#probe && m.value?.toString('utf8') === JSON.stringify({ probe: this.#probe.id })) this.#probe.seen();
    }
    await heartbeat();
  }

  /**
   * Produces `events` keyed by identity (acks all) and waits for each one's verdict, in order.
   * Throws BackpressureError when too many events are waiting already, VerdictTimeoutError when
   * the verdicts do not come back in time, and the producer's error when Kafka refuses the send.
   */
  async forward(events: readonly MetricEvent[]): Promise<Verdict[]> {
    if (events.length === 0) return [];
    const { request, verdicts } = this.#pending.open(events.length);
    try {
      await this.#producer.send({
        topic: this.#opts.eventsTopic,
        acks: -1,
        // the key is the identity (store/event-identity.ts): every copy of an event lands on one partition
        messages: events.map((e, index) => ({
          key: `${e.metric}\n${e.id}`,
          value: JSON.stringify(e),
          headers: replyHeaders({ instance: this.instance, request, index }),
        })),
      });
    } catch (err) {
      this.#pending.fail(
        request,
        new ForwardError(
          `Kafka did not take the events with an id (${(err as Error).message}); nothing from this request was stored, retry it`,
        ),
      );
    }
    return verdicts;
  }

  /** The owner of a partition's side: a batch's verdicts to the instances waiting for them. */
  async send(replies: readonly VerdictReply[]): Promise<void> {
    if (replies.length === 0) return;
    await this.#producer.send({
      topic: this.#opts.topic,
      acks: -1,
      messages: replies.map((r) => ({ key: r.instance, value: encodeReply(r), partition: this.#partitionOf(r.instance) })),
    });
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#pending.close(
      new VerdictTimeoutError(
        'the server stopped before the verdicts on the events came back; some may be stored: retrying the request is safe, an event with an id is stored once',
      ),
    );
    await this.#consumer.disconnect();
    await this.#producer.disconnect();
  }
}
