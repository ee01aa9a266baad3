import type { MetricEvent } from '@northstar/shared';
import type { CountLedger, CountRoute } from '../evaluate/count-ledger.ts';
import type { EventSource, EventStore, RejectedRecord } from '../store/event-store.ts';
import type { Metrics } from '../observe/metrics.ts';
import { BatchWriter, type GroupResult, type WriteResult } from './batch-writer.ts';
import { IdGuard } from './id-guard.ts';
import { writeIsolating, type RefusedRow } from './isolate-rows.ts';

export interface IngestorOptions {
  store: EventStore;
  /** Decides when each event counts on the wall (count-ledger.ts); told what happened to every write. */
  ledger: CountLedger;
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
 * write, live path. It tells the ledger (count-ledger.ts) each step of every write (taken,
 * admitted as new, inserted or failed), and the ledger decides when the wall counts the
 * events: HTTP rows (`grouped`) before their insert returns unless the path is degraded,
 * Kafka and import batches (`batch`) after it.
 */
export class Ingestor {
  readonly #store: EventStore;
  readonly #ledger: CountLedger;
  readonly #metrics: Metrics;
  readonly #guard: IdGuard;
  readonly #grouped: BatchWriter;
  /** Writes in progress, for `drain`. */
  readonly #writes = new Set<Promise<unknown>>();

  constructor(opts: IngestorOptions) {
    this.#store = opts.store;
    this.#ledger = opts.ledger;
    this.#metrics = opts.metrics;
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
      onAccepted: (events) => this.#ledger.taken(events, Date.now(), 'grouped'),
    });
  }

  /** Resolves once every write holding events taken before the call has settled (see live-rebuild.ts). */
  async drain(): Promise<void> {
    await this.#grouped.drain();
    await Promise.allSettled([...this.#writes]);
  }

  #write(events: readonly MetricEvent[], source: EventSource, dedupToken: string | undefined, route: CountRoute) {
    // stamped as the attempt starts, while a rebuild starting now would still wait for it
    this.#ledger.attempting(events, Date.now());
    const write = this.#writeOnce(events, source, dedupToken, route);
    this.#writes.add(write);
    const forget = () => this.#writes.delete(write);
    write.then(forget, forget);
    return write;
  }

  async #writeOnce(
    events: readonly MetricEvent[],
    source: EventSource,
    dedupToken: string | undefined,
    route: CountRoute,
  ): Promise<{ stored: number; duplicates: readonly number[] }> {
    const admission = await this.#guard.admit(events);
    const fresh = admission.fresh.length === events.length ? events : admission.fresh.map((i) => events[i]!);
    this.#ledger.admitted(fresh, route);
    const started = performance.now();
    let ok = false;
    try {
      if (fresh.length > 0) await this.#store.insertEvents(fresh, source, dedupToken, (e) => this.#ledger.takenAt(e));
      ok = true;
    } catch (err) {
      // before settling: a batch waiting on these ids must already see the path degraded
      this.#ledger.insertFailed(fresh);
      throw err;
    } finally {
      admission.settle(ok);
    }
    if (admission.duplicates.length > 0) this.#metrics.eventsDuplicate.inc({ source }, admission.duplicates.length);
    if (fresh.length > 0) {
      this.#metrics.eventsStored.inc({ source }, fresh.length);
      this.#metrics.writeSeconds.observe((performance.now() - started) / 1000);
      this.#metrics.batchRows.observe(fresh.length);
    }
    this.#ledger.inserted(fresh);
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
      const r = await this.#write(rows, 'http', undefined, 'grouped');
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
    this.#ledger.taken(events, Date.now(), 'batch');
    const { stored, duplicates } = await this.#write(events, source, dedupToken, 'batch');
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
  ): Promise<WriteOutcome & { refused: Array<RefusedRow<MetricEvent>>; repeats: MetricEvent[] }> {
    this.#ledger.taken(events, Date.now(), 'batch');
    let stored = 0;
    // the rows dropped as repeats of stored ids: an HTTP request waiting on them is told which (kafka-verdicts.ts)
    const repeats: MetricEvent[] = [];
    const refused = await writeIsolating(events, dedupToken, async (part, partToken) => {
      const r = await this.#write(part, source, partToken, 'batch');
      stored += r.stored;
      for (const d of r.duplicates) repeats.push(part[d]!);
    });
    if (refused.length > 0) this.#metrics.storeRefusedRows.inc({ source }, refused.length);
    return { stored, duplicates: repeats.length, refused, repeats };
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
