import type { MetricEvent } from '@northstar/shared';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { EventSource, EventStore, RejectedRecord } from '../store/event-store.ts';
import type { Metrics } from '../observe/metrics.ts';
import type { WindowRepair } from '../evaluate/window-repair.ts';
import { BatchWriter, type GroupResult, type WriteResult } from './batch-writer.ts';
import { IdGuard } from './id-guard.ts';
import { writeIsolating, type RefusedRow } from './isolate-rows.ts';

export interface IngestorOptions {
  store: EventStore;
  evaluator: KpiEvaluator;
  metrics: Metrics;
  flushRows: number;
  flushIntervalMs: number;
  maxPendingRows: number;
  /** Rebuilds the KPIs that counted events whose insert then failed. */
  repair: WindowRepair;
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
 * write, live path. Over HTTP (the embedded default, where a tile should move within
 * 250 ms) tiles do not wait for the insert: an event without an id is counted as soon
 * as ingest takes it (nothing to check first), one with an id once the store has said
 * it is new. A failed insert marks the KPIs that counted its events for a rebuild from
 * the store (WindowRepair); until that is done, events are counted only after their
 * insert returned, so retries are never counted twice. Kafka batches (budget: 1 s) and
 * imports are counted after their insert: a held batch is retried until it is stored.
 */
export class Ingestor {
  readonly #store: EventStore;
  readonly #evaluator: KpiEvaluator;
  readonly #metrics: Metrics;
  readonly #guard: IdGuard;
  readonly #grouped: BatchWriter;
  readonly #repair: WindowRepair;
  /** Events KPIs counted when HTTP ingest took them, before their group was flushed. */
  readonly #countedEarly = new WeakSet<MetricEvent>();
  /** When ingest took each event: stored as `received_at`, the line a live rebuild draws (live-rebuild.ts). */
  readonly #acceptedAt = new WeakMap<MetricEvent, number>();
  /** Writes in progress, for `drain`. */
  readonly #writes = new Set<Promise<unknown>>();

  constructor(opts: IngestorOptions) {
    this.#store = opts.store;
    this.#evaluator = opts.evaluator;
    this.#metrics = opts.metrics;
    this.#repair = opts.repair;
    this.#guard = new IdGuard(async (events) => {
      const started = performance.now();
      const found = await opts.store.storedIds(events);
      opts.metrics.idCheckSeconds.observe((performance.now() - started) / 1000);
      return found;
    }, opts.recentIds ?? DEFAULT_RECENT_IDS);
    this.#grouped = new BatchWriter({
      store: { store: (events) => this.#writeGroup(events) },
      flushRows: opts.flushRows,
      flushIntervalMs: opts.flushIntervalMs,
      maxPendingRows: opts.maxPendingRows,
      onAccepted: (events) => this.#countEarly(events),
    });
  }

  /** Events without an id cannot be repeats the store would drop: the wall counts them at once. */
  #countEarly(events: readonly MetricEvent[]): void {
    this.#accept(events);
    if (this.#repair.degraded) return;
    const early = events.filter((e) => e.id === '');
    if (early.length === 0) return;
    for (const e of early) this.#countedEarly.add(e);
    this.#evaluator.observe(early);
  }

  #accept(events: readonly MetricEvent[]): void {
    const now = Date.now();
    for (const e of events) if (!this.#acceptedAt.has(e)) this.#acceptedAt.set(e, now);
  }

  acceptedAt(e: MetricEvent): number | undefined {
    return this.#acceptedAt.get(e);
  }

  /** Resolves once every write holding events taken before the call has settled (see live-rebuild.ts). */
  async drain(): Promise<void> {
    await this.#grouped.drain();
    await Promise.allSettled([...this.#writes]);
  }

  #write(events: readonly MetricEvent[], source: EventSource, dedupToken: string | undefined, beforeInsert: boolean) {
    const write = this.#writeOnce(events, source, dedupToken, beforeInsert);
    this.#writes.add(write);
    const forget = () => this.#writes.delete(write);
    write.then(forget, forget);
    return write;
  }

  async #writeOnce(
    events: readonly MetricEvent[],
    source: EventSource,
    dedupToken: string | undefined,
    beforeInsert: boolean,
  ): Promise<{ stored: number; duplicates: readonly number[] }> {
    const admission = await this.#guard.admit(events);
    const fresh = admission.fresh.length === events.length ? events : admission.fresh.map((i) => events[i]!);
    // only grouped (HTTP) events are ever counted early
    const notYet = beforeInsert ? fresh.filter((e) => !this.#countedEarly.has(e)) : fresh;
    // counted before the insert returns, unless an earlier insert failed and its rebuild is pending
    const countNow = beforeInsert && !this.#repair.degraded;
    if (countNow) this.#evaluator.observe(notYet);
    const started = performance.now();
    let ok = false;
    try {
      if (fresh.length > 0) await this.#store.insertEvents(fresh, source, dedupToken, (e) => this.#acceptedAt.get(e));
      ok = true;
    } catch (err) {
      // before settling: a batch waiting on these ids must already see the path degraded
      this.#repair.failed(countNow ? fresh : fresh.filter((e) => this.#countedEarly.has(e)));
      throw err;
    } finally {
      admission.settle(ok);
    }
    if (admission.duplicates.length > 0) this.#metrics.eventsDuplicate.inc({ source }, admission.duplicates.length);
    if (fresh.length > 0) {
      this.#metrics.eventsStored.inc({ source }, fresh.length);
      this.#metrics.writeSeconds.observe((performance.now() - started) / 1000);
      this.#metrics.batchRows.observe(fresh.length);
      if (!countNow) this.#evaluator.observe(notYet);
      this.#repair.stored();
    }
    return { stored: fresh.length, duplicates: admission.duplicates };
  }

  /**
   * One group of HTTP rows. A group the store refuses for good (a permanent error) is
   * halved down to the rows that fail (isolate-rows.ts), so one bad row does not turn every
   * request of the group into a 503 its producer retries for ever; the rest is stored.
   */
  async #writeGroup(events: readonly MetricEvent[]): Promise<GroupResult> {
    const duplicates: number[] = [];
    const indexes = events.map((_, i) => i);
    // HTTP groups have no natural token: each part gets a random one (the producer retries a 503)
    const refused = await writeIsolating(indexes, 'http', async (part) => {
      const rows = part.length === events.length ? events : part.map((i) => events[i]!);
      const r = await this.#write(rows, 'http', undefined, true);
      for (const d of r.duplicates) duplicates.push(part[d]!);
    });
    if (refused.length > 0) this.#metrics.storeRefusedRows.inc({ source: 'http' }, refused.length);
    return { duplicates, refused: refused.map(({ row, reason }) => ({ index: row, reason })) };
  }

  /** Small writers (HTTP requests): grouped with others into one insert; resolves, once stored, with the repeats and refused rows among them. */
  writeGrouped(events: readonly MetricEvent[]): Promise<WriteResult> {
    return this.#grouped.write(events);
  }

  /** A whole batch with its own dedup token (a Kafka partition's offset range, an Idempotency-Key). */
  async writeBatch(events: readonly MetricEvent[], source: EventSource, dedupToken: string): Promise<WriteOutcome> {
    // grouped writes are stamped when the BatchWriter takes them (onAccepted); a retried batch keeps its first stamp
    this.#accept(events);
    const { stored, duplicates } = await this.#write(events, source, dedupToken, false);
    return { stored, duplicates: duplicates.length };
  }

  /**
   * A whole batch like writeBatch, but rows the store refuses for good (storage errors
   * about the data, store/write-errors.ts) are isolated by halving and handed back, while
   * the rest is stored. A retryable failure throws: the caller holds the batch and retries.
   */
  async writeBatchIsolating(
    events: readonly MetricEvent[],
    source: EventSource,
    dedupToken: string,
  ): Promise<WriteOutcome & { refused: Array<RefusedRow<MetricEvent>> }> {
    this.#accept(events);
    let stored = 0;
    let duplicates = 0;
    const refused = await writeIsolating(events, dedupToken, async (part, partToken) => {
      const r = await this.#write(part, source, partToken, false);
      stored += r.stored;
      duplicates += r.duplicates.length;
    });
    if (refused.length > 0) this.#metrics.storeRefusedRows.inc({ source }, refused.length);
    return { stored, duplicates, refused };
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
