import type { MetricEvent } from '@northstar/shared';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { EventSource, EventStore, RejectedRecord } from '../store/event-store.ts';
import type { Metrics } from '../observe/metrics.ts';
import { BatchWriter } from './batch-writer.ts';
import { IdGuard } from './id-guard.ts';

export interface IngestorOptions {
  store: EventStore;
  evaluator: KpiEvaluator;
  metrics: Metrics;
  flushRows: number;
  flushIntervalMs: number;
  maxPendingRows: number;
  /** Ids remembered as stored, so most repeats cost no query (~100 B each). */
  recentIds?: number;
}

/** What became of a batch: how many rows were inserted, how many were repeats of stored ids. */
export interface WriteOutcome {
  stored: number;
  duplicates: number;
}

const DEFAULT_RECENT_IDS = 200_000;

/**
 * The one path every source shares after decoding: drop ids already stored, durable
 * write, then the live path. KPIs observe only what the store kept, so a failed write
 * that the producer retries, or a redelivered batch, is never counted twice on the wall.
 */
export class Ingestor {
  readonly #store: EventStore;
  readonly #evaluator: KpiEvaluator;
  readonly #metrics: Metrics;
  readonly #guard: IdGuard;
  readonly #grouped: BatchWriter;

  constructor(opts: IngestorOptions) {
    this.#store = opts.store;
    this.#evaluator = opts.evaluator;
    this.#metrics = opts.metrics;
    this.#guard = new IdGuard(async (events) => {
      const started = performance.now();
      const found = await opts.store.storedIds(events);
      opts.metrics.idCheckSeconds.observe((performance.now() - started) / 1000);
      return found;
    }, opts.recentIds ?? DEFAULT_RECENT_IDS);
    this.#grouped = new BatchWriter({
      store: { store: async (events) => (await this.#write(events, 'http', undefined)).duplicates },
      flushRows: opts.flushRows,
      flushIntervalMs: opts.flushIntervalMs,
      maxPendingRows: opts.maxPendingRows,
    });
  }

  async #write(
    events: readonly MetricEvent[],
    source: EventSource,
    dedupToken: string | undefined,
  ): Promise<{ stored: number; duplicates: readonly number[] }> {
    const admission = await this.#guard.admit(events);
    const fresh = admission.fresh.length === events.length ? events : admission.fresh.map((i) => events[i]!);
    const started = performance.now();
    let ok = false;
    try {
      if (fresh.length > 0) await this.#store.insertEvents(fresh, source, dedupToken);
      ok = true;
    } finally {
      admission.settle(ok);
    }
    if (admission.duplicates.length > 0) this.#metrics.eventsDuplicate.inc({ source }, admission.duplicates.length);
    if (fresh.length > 0) {
      this.#metrics.eventsStored.inc({ source }, fresh.length);
      this.#metrics.writeSeconds.observe((performance.now() - started) / 1000);
      this.#metrics.batchRows.observe(fresh.length);
      this.#evaluator.observe(fresh);
    }
    return { stored: fresh.length, duplicates: admission.duplicates };
  }

  /** Small writers (HTTP requests): grouped with others into one insert; resolves, once stored, with the repeats among them. */
  writeGrouped(events: readonly MetricEvent[]): Promise<number> {
    return this.#grouped.write(events);
  }

  /** A whole batch with its own dedup token (a Kafka partition's offset range, an Idempotency-Key). */
  async writeBatch(events: readonly MetricEvent[], source: EventSource, dedupToken: string): Promise<WriteOutcome> {
    const { stored, duplicates } = await this.#write(events, source, dedupToken);
    return { stored, duplicates: duplicates.length };
  }

  async reject(records: readonly RejectedRecord[], dedupToken?: string): Promise<void> {
    if (records.length === 0) return;
    await this.#store.insertRejected(records, dedupToken);
    for (const r of records) this.#metrics.eventsRejected.inc({ source: r.source });
  }

  /** Rows waiting for the group insert or in it: what HTTP ingest holds in memory. */
  get pendingRows(): number {
    return this.#grouped.pendingRows;
  }

  async close(): Promise<void> {
    await this.#grouped.close();
  }
}
