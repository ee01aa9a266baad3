import type { MetricEvent } from '@northstar/shared';
import type { EventSource } from '../store/event-store.ts';

export interface EventInserter {
  insertEvents(events: readonly MetricEvent[], source: EventSource, dedupToken?: string): Promise<void>;
}

export interface BatchWriterOptions {
  store: EventInserter;
  source: EventSource;
  flushRows: number;
  flushIntervalMs: number;
  /** Rows waiting or in flight beyond which `write` refuses: the bound that makes backpressure. */
  maxPendingRows: number;
  onFlushed?: (events: MetricEvent[], durationMs: number) => void;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';
}

/**
 * Group commit for small writers (HTTP requests): rows from many callers go into one
 * insert, flushed when `flushRows` is reached or the oldest row is `flushIntervalMs`
 * old. Each caller's promise settles when the insert holding its rows returns, so a
 * 202 means "stored". Never two flushes at once: ClickHouse prefers fewer, larger inserts.
 */
export class BatchWriter {
  readonly #opts: BatchWriterOptions;
  #rows: MetricEvent[] = [];
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #inFlightRows = 0;
  #closed = false;

  constructor(opts: BatchWriterOptions) {
    this.#opts = opts;
  }

  get pendingRows(): number {
    return this.#rows.length + this.#inFlightRows;
  }

  write(events: readonly MetricEvent[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('writer is closed'));
    if (events.length === 0) return Promise.resolve();
    if (this.pendingRows + events.length > this.#opts.maxPendingRows) {
      return Promise.reject(new BackpressureError(`${this.pendingRows} rows are waiting for the store; try again shortly`));
    }
    for (const e of events) this.#rows.push(e);
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    if (this.#rows.length >= this.#opts.flushRows) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#opts.flushIntervalMs);
    return done;
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#flushing || this.#rows.length === 0) return;
    this.#flushing = this.#flushOnce().finally(() => {
      this.#flushing = undefined;
      // rows that arrived during the flush go out next, at once if the batch is already full
      if (this.#rows.length >= this.#opts.flushRows) this.#kick();
      else if (this.#rows.length > 0) this.#timer ??= setTimeout(() => this.#kick(), this.#opts.flushIntervalMs);
    });
  }

  async #flushOnce(): Promise<void> {
    const rows = this.#rows;
    const waiters = this.#waiters;
    this.#rows = [];
    this.#waiters = [];
    this.#inFlightRows = rows.length;
    const started = performance.now();
    try {
      await this.#opts.store.insertEvents(rows, this.#opts.source);
      this.#opts.onFlushed?.(rows, performance.now() - started);
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err as Error);
    } finally {
      this.#inFlightRows = 0;
    }
  }

  /** Flushes what is waiting; later writes are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing || this.#rows.length > 0) {
      this.#kick();
      await this.#flushing;
    }
  }
}
