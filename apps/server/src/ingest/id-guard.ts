import type { MetricEvent } from '@northstar/shared';

/** Asks the store which of these events' ids it already holds. */
export type StoredIdLookup = (events: readonly MetricEvent[]) => Promise<ReadonlySet<string>>;

export interface Admission {
  /** Indexes (into the admitted batch) of the events to insert: first sight of their id, or no id. */
  fresh: number[];
  /** Indexes of events dropped as repeats: already stored, earlier in the batch, or stored by a concurrent batch. */
  duplicates: number[];
  /** Call once the insert of the fresh events has settled; `stored` says whether it succeeded. */
  settle(stored: boolean): void;
}

/**
 * Idempotency by event id, for every source in this process. An id is let through
 * once: the in-flight map makes a second batch carrying the same id wait for the
 * first batch's insert, the recent set answers repeats without a query, and the
 * store answers for everything older (a redelivery after a crash or a rebalance).
 * Events without an id are not looked at here: the Kafka offset-range token covers them.
 */
export class IdGuard {
  readonly #lookup: StoredIdLookup;
  readonly #recentCapacity: number;
  /**
   * Ids known to be stored, in two generations: when the young one is full it becomes
   * the old one and the previous old one is dropped whole. Evicting one id at a time
   * from a Set's front is quadratic in V8 (every new iterator walks the deleted slots).
   */
  #young = new Set<string>();
  #old = new Set<string>();
  readonly #inFlight = new Map<string, Promise<void>>();

  constructor(lookup: StoredIdLookup, recentCapacity: number) {
    this.#lookup = lookup;
    this.#recentCapacity = recentCapacity;
  }

  get recentSize(): number {
    return this.#young.size + this.#old.size;
  }

  #known(id: string): boolean {
    return this.#young.has(id) || this.#old.has(id);
  }

  async admit(events: readonly MetricEvent[]): Promise<Admission> {
    const duplicates: number[] = [];
    let candidates: number[] = [];
    const withoutId: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < events.length; i++) {
      const id = events[i]!.id;
      if (id === '') withoutId.push(i);
      else if (seen.has(id)) duplicates.push(i);
      else {
        seen.add(id);
        candidates.push(i);
      }
    }
    if (candidates.length === 0) return { fresh: withoutId, duplicates, settle: () => undefined };

    // Wait for concurrent batches holding any of these ids, then look again: they may have stored them.
    for (;;) {
      const still: number[] = [];
      const waits = new Set<Promise<void>>();
      for (const i of candidates) {
        const id = events[i]!.id;
        if (this.#known(id)) duplicates.push(i);
        else {
          still.push(i);
          const other = this.#inFlight.get(id);
          if (other) waits.add(other);
        }
      }
      candidates = still;
      if (waits.size === 0) break;
      await Promise.all(waits);
    }

    // Claimed synchronously after the last check: no other batch can slip in between.
    let release!: () => void;
    const claim = new Promise<void>((resolve) => (release = resolve));
    for (const i of candidates) this.#inFlight.set(events[i]!.id, claim);
    const unclaim = () => {
      for (const i of candidates) if (this.#inFlight.get(events[i]!.id) === claim) this.#inFlight.delete(events[i]!.id);
      release();
    };

    let inStore: ReadonlySet<string>;
    try {
      inStore = candidates.length > 0 ? await this.#lookup(candidates.map((i) => events[i]!)) : new Set();
    } catch (err) {
      unclaim();
      throw err;
    }
    const fresh = withoutId;
    for (const i of candidates) {
      const id = events[i]!.id;
      if (inStore.has(id)) {
        duplicates.push(i);
        this.#remember(id);
      } else fresh.push(i);
    }
    fresh.sort((a, b) => a - b);
    let settled = false;
    return {
      fresh,
      duplicates,
      settle: (stored) => {
        if (settled) return;
        settled = true;
        if (stored) for (const i of candidates) this.#remember(events[i]!.id);
        unclaim();
      },
    };
  }

  #remember(id: string): void {
    if (this.#young.size >= Math.ceil(this.#recentCapacity / 2)) {
      this.#old = this.#young;
      this.#young = new Set();
    }
    this.#young.add(id);
  }
}
