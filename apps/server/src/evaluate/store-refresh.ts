/**
 * What the live windows' periodic re-reads from the store share: one run at a time,
 * waiting for ingest to drain first (events counted live before a run are stored once the
 * writes holding them settle), and stopping between items once stopped. Whoever schedules
 * calls `refresh` (server.ts, on a timer).
 */
export abstract class StoreRefresh<T> {
  readonly #drain: () => Promise<void>;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(deps: { drain: () => Promise<void> }) {
    this.#drain = deps.drain;
  }

  /** The items that need the store now (empty: nothing to do, no drain). */
  protected abstract due(): T[];
  /** Re-reads one item from the store; handles its own failure. */
  protected abstract redo(item: T): Promise<void>;

  /**
   * No more runs. A run in flight is not waited for (it may be waiting for ingest to
   * drain while the server shuts down); it stops before its next store query.
   */
  stop(): void {
    this.#closed = true;
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
    await this.#drain();
    for (const item of items) {
      if (this.#closed) return;
      await this.redo(item);
    }
  }
}
