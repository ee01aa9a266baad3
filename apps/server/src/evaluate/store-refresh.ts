import type { IngestBarrier } from './live-rebuild.ts';

export interface StoreRefreshDeps {
  ingest: Pick<IngestBarrier, 'drain'>;
  intervalMs: number;
}

/**
 * What the live windows' periodic re-reads from the store share: a timer, one run at a time,
 * waiting for ingest to drain first (events counted live before a run are stored once the
 * writes holding them settle), and stopping between items once closed.
 */
export abstract class StoreRefresh<T> {
  readonly #ingest: Pick<IngestBarrier, 'drain'>;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(deps: StoreRefreshDeps) {
    this.#ingest = deps.ingest;
    this.#intervalMs = deps.intervalMs;
  }

  /** The items that need the store now (empty: nothing to do, no drain). */
  protected abstract due(): T[];
  /** Re-reads one item from the store; handles its own failure. */
  protected abstract redo(item: T): Promise<void>;

  start(): void {
    this.#timer = setInterval(() => void this.refresh(), this.#intervalMs);
    this.#timer.unref();
  }

  /**
   * Stops the timer. A run in flight is not waited for (it may be waiting for ingest to
   * drain while the server shuts down); it stops before its next store query.
   */
  stop(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  /** Re-reads what is due (one run at a time). */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#running ??= this.#refresh().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #refresh(): Promise<void> {
    const items = this.due();
    if (items.length === 0) return;
    await this.#ingest.drain();
    for (const item of items) {
      if (this.#closed) return;
      await this.redo(item);
    }
  }
}
