/**
 * A bound on what the Kafka consumer holds at once across its partitions: the bytes of
 * batches taken (decoding, checked, being written) and not yet committed. A batch waits
 * for room; one batch alone is always let in, however big, so a batch larger than the
 * bound still goes through (alone) instead of waiting for ever.
 *
 * The wait polls (`pollMs`) instead of only waiting for a release, so the caller can
 * keep its group membership alive (`heartbeat`) and give up when the batch is no longer
 * its own (`live`): another partition's batch may hold its bytes through a long store outage.
 */
export class InFlightBudget {
  readonly #max: number;
  #held = 0;
  #batches = 0;
  #waiters: Array<() => void> = [];

  constructor(maxBytes: number) {
    this.#max = maxBytes;
  }

  get heldBytes(): number {
    return this.#held;
  }

  #fits(bytes: number): boolean {
    return this.#batches === 0 || this.#held + bytes <= this.#max;
  }

  /** True once `bytes` are held (release them later); false if `live()` turned false while waiting. */
  async acquire(bytes: number, live: () => boolean, heartbeat: () => Promise<void>, pollMs = 1_000): Promise<boolean> {
    while (!this.#fits(bytes)) {
      if (!live()) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.push(done);
      });
      if (!this.#fits(bytes)) await heartbeat();
    }
    this.#held += bytes;
    this.#batches += 1;
    return true;
  }

  release(bytes: number): void {
    this.#held -= bytes;
    this.#batches -= 1;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
