import type { MetricEvent } from '@northstar/shared';

/** A row the store refused for good, by its index. */
export interface RefusedIndex {
  index: number;
  reason: string;
}

/** What became of a group: indexes (into its rows) dropped as repeats of stored ids, and rows the store can never take. */
export interface GroupResult {
  duplicates: readonly number[];
  refused?: readonly RefusedIndex[];
}

/** What became of one caller's rows; indexes are into the rows it wrote. */
export interface WriteResult {
  duplicates: number;
  refused: RefusedIndex[];
}

/** Where a group of rows goes: stores what is new and answers which rows were repeats or refused. */
export interface GroupSink {
  store(events: readonly MetricEvent[]): Promise<GroupResult>;
}

export interface BatchWriterOptions {
  store: GroupSink;
  flushRows: number;
  flushIntervalMs: number;
  /** Rows waiting or in flight beyond which `write` refuses: the bound that makes backpressure. */
  maxPendingRows: number;
  maxConcurrentFlushes?: number;
  /** Called synchronously with the rows of a write that was taken (not refused), before any flush. */
  onAccepted?: (events: readonly MetricEvent[]) => void;
}

interface Waiter {
  /** The caller's rows are [start, end) of the flushed group. */
  start: number;
  end: number;
  resolve: (result: WriteResult) => void;
  reject: (err: Error) => void;
}

export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';
}

/**
 * Group commit for small writers (HTTP requests): rows from many callers go into one
 * insert, flushed when `flushRows` is reached or the oldest row is `flushIntervalMs`
 * old. Each caller's promise settles when the insert holding its rows returns, so a
 * 202 means "stored". At most `maxConcurrentFlushes` groups are in flight (default 2):
 * one group's id check against the store overlaps the previous group's insert, and
 * ClickHouse still sees few, large inserts.
 */
export class BatchWriter {
  readonly #opts: BatchWriterOptions;
  #rows: MetricEvent[] = [];
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #flushing = new Set<Promise<void>>();
  #inFlightRows = 0;
  #closed = false;

  constructor(opts: BatchWriterOptions) {
    this.#opts = opts;
  }

  get pendingRows(): number {
    return this.#rows.length + this.#inFlightRows;
  }

  /** Resolves, once the rows are stored, with how many of them were repeats of stored ids and which the store refused for good. */
  write(events: readonly MetricEvent[]): Promise<WriteResult> {
    if (this.#closed) return Promise.reject(new Error('writer is closed'));
    if (events.length === 0) return Promise.resolve({ duplicates: 0, refused: [] });
    if (this.pendingRows + events.length > this.#opts.maxPendingRows) {
      return Promise.reject(new BackpressureError(`${this.pendingRows} rows are waiting for the store; try again shortly`));
    }
    const start = this.#rows.length;
    for (const e of events) this.#rows.push(e);
    const end = this.#rows.length;
    const done = new Promise<WriteResult>((resolve, reject) => this.#waiters.push({ start, end, resolve, reject }));
    this.#opts.onAccepted?.(events);
    if (this.#rows.length >= this.#opts.flushRows) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#opts.flushIntervalMs);
    return done;
  }

  #kick(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#flushing.size >= (this.#opts.maxConcurrentFlushes ?? 2) || this.#rows.length === 0) return;
    const flush: Promise<void> = this.#flushOnce().finally(() => {
      this.#flushing.delete(flush);
      // rows that arrived during the flush go out next, at once if the batch is already full
      if (this.#rows.length >= this.#opts.flushRows) this.#kick();
      else if (this.#rows.length > 0) this.#timer ??= setTimeout(() => this.#kick(), this.#opts.flushIntervalMs);
    });
    this.#flushing.add(flush);
  }

  async #flushOnce(): Promise<void> {
    const rows = this.#rows;
    const waiters = this.#waiters;
    this.#rows = [];
    this.#waiters = [];
    this.#inFlightRows += rows.length;
    try {
      const { duplicates, refused = [] } = await this.#opts.store.store(rows);
      for (const w of waiters) {
        let n = 0;
        for (const i of duplicates) if (i >= w.start && i < w.end) n++;
        const own = refused
          .filter((r) => r.index >= w.start && r.index < w.end)
          .map((r) => ({ index: r.index - w.start, reason: r.reason }));
        w.resolve({ duplicates: n, refused: own });
      }
    } catch (err) {
      for (const w of waiters) w.reject(err as Error);
    } finally {
      this.#inFlightRows -= rows.length;
    }
  }

  /**
   * Resolves once the rows taken before the call are flushed (stored or refused): flushes
   * now instead of waiting for the timer. Bounded: a few rounds, whatever keeps arriving.
   */
  async drain(): Promise<void> {
    for (let round = 0; round < 4 && (this.#flushing.size > 0 || this.#rows.length > 0); round++) {
      this.#kick();
      await Promise.allSettled([...this.#flushing]);
    }
  }

  /** Flushes what is waiting; later writes are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing.size > 0 || this.#rows.length > 0) {
      this.#kick();
      await Promise.race(this.#flushing);
    }
  }
}
