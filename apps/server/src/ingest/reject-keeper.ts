import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Metrics } from '../observe/metrics.ts';
import type { RejectedRecord } from '../store/event-store.ts';
import { untilDone, type BatchLease } from './batch-retry.ts';
import { DeadLetterQueue } from './dead-letter.ts';
import type { KafkaReject } from './decode-batch.ts';
import type { Ingestor } from './ingestor.ts';

export interface RejectKeeperDeps {
  producer: Producer;
  dlqTopic: string;
  ingestor: Ingestor;
  metrics: Metrics;
  log: Logger;
}

/**
 * Where a Kafka batch's rejects go: to the DLQ (bounded retries, dead-letter.ts) and to
 * rejected_events (retried until stored: the store is where nothing is lost). A reject the
 * DLQ took only as a bounded copy, or not at all, is kept whole in the store.
 */
export class RejectKeeper {
  readonly #deps: RejectKeeperDeps;
  readonly #dlq = new DeadLetterQueue();

  constructor(deps: RejectKeeperDeps) {
    this.#deps = deps;
  }

  /** Set while the DLQ refuses rejects (they are kept in rejected_events only). */
  get dlqProblem(): string | undefined {
    return this.#dlq.degraded ? `failing (${this.#dlq.lastError.slice(0, 200)}); rejects kept in rejected_events only` : undefined;
  }

  /** False: the batch is no longer ours (its rejects come back with it). */
  async keep(rejects: KafkaReject[], storeToken: string, lease: BatchLease): Promise<boolean> {
    const { producer, dlqTopic, metrics, log } = this.#deps;
    const outcome = await this.#dlq.send(rejects, {
      sender: { send: (messages) => producer.send({ topic: dlqTopic, acks: -1, messages }) },
      live: lease.live,
      heartbeat: lease.heartbeat,
      onRetry: (attempt, err) => log.warn({ attempt, err: err.message, rejects: rejects.length }, 'DLQ send failed; retrying'),
    });
    metrics.dlqDegraded.set(this.#dlq.degraded ? 1 : 0);
    if (!outcome) return false;
    for (const { cut } of outcome.sent) metrics.dlqMessages.inc({ kind: cut ? 'copy' : 'whole' });
    const whole = new Set(outcome.sent.filter((s) => s.cut).map((s) => s.reject));
    const notOnDlq = new Map(outcome.failed.map((f) => [f.reject, f.error]));
    if (notOnDlq.size > 0) {
      metrics.dlqFailures.inc(notOnDlq.size);
      log.error(
        { rejects: notOnDlq.size, err: outcome.failed[0]!.error, dlqTopic },
        'DLQ refused rejects after bounded retries; kept whole in rejected_events, consumption goes on',
      );
    }
    const records: RejectedRecord[] = rejects.map((r) => {
      const error = notOnDlq.get(r);
      return {
        source: r.source,
        location: r.location,
        reason: error === undefined ? r.reason : `${r.reason} [not on the DLQ: ${error.slice(0, 200)}]`,
        raw: r.raw,
        whole: whole.has(r) || error !== undefined,
      };
    });
    const stored = await untilDone('store', lease, this.#deps, async () => {
      await this.#deps.ingestor.reject(records, storeToken);
      return true;
    });
    return stored === true;
  }
}
