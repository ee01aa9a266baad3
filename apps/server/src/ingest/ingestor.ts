import type { MetricEvent } from '@northstar/shared';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { EventSource, EventStore, RejectedRecord } from '../store/event-store.ts';
import type { Metrics } from '../observe/metrics.ts';
import { BatchWriter } from './batch-writer.ts';

export interface IngestorOptions {
  store: EventStore;
  evaluator: KpiEvaluator;
  metrics: Metrics;
  flushRows: number;
  flushIntervalMs: number;
  maxPendingRows: number;
}

/**
 * The one path every source shares after decoding: durable write first, then the
 * live path. KPIs observe only what the store kept, so a failed write that the
 * producer retries is never counted twice on the wall.
 */
export class Ingestor {
  readonly #store: EventStore;
  readonly #evaluator: KpiEvaluator;
  readonly #metrics: Metrics;
  readonly #grouped: BatchWriter;

  constructor(opts: IngestorOptions) {
    this.#store = opts.store;
    this.#evaluator = opts.evaluator;
    this.#metrics = opts.metrics;
    this.#grouped = new BatchWriter({
      store: opts.store,
      source: 'http',
      flushRows: opts.flushRows,
      flushIntervalMs: opts.flushIntervalMs,
      maxPendingRows: opts.maxPendingRows,
      onFlushed: (events, ms) => this.#stored(events, 'http', ms),
    });
  }

  #stored(events: readonly MetricEvent[], source: EventSource, ms: number): void {
    this.#metrics.eventsStored.inc({ source }, events.length);
    this.#metrics.writeSeconds.observe(ms / 1000);
    this.#metrics.batchRows.observe(events.length);
    this.#evaluator.observe(events);
  }

  /** Small writers (HTTP requests): grouped with others into one insert; resolves when stored. */
  writeGrouped(events: readonly MetricEvent[]): Promise<void> {
    return this.#grouped.write(events);
  }

  /** A whole batch with its own dedup token (a Kafka partition's offset range). */
  async writeBatch(events: readonly MetricEvent[], source: EventSource, dedupToken: string): Promise<void> {
    const started = performance.now();
    await this.#store.insertEvents(events, source, dedupToken);
    this.#stored(events, source, performance.now() - started);
  }

  async reject(records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    for (const r of records) this.#metrics.eventsRejected.inc({ source: r.source });
    await this.#store.insertRejected(records);
  }

  async close(): Promise<void> {
    await this.#grouped.close();
  }
}
