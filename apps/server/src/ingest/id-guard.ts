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
    for (;;) {
      const duplicates: number[] = [];
      const fresh: number[] = [];
      const claimed: number[] = [];
      const waits = new Set<Promise<void>>();
      let release!: () => void;
      const claim = new Promise<void>((resolve) => (release = resolve));
      // One synchronous pass: each new id is claimed at once, so no other batch can slip in.
      for (let i = 0; i < events.length; i++) {
        const id = events[i]!.id;
        if (id === '') fresh.push(i);
        else if (this.#known(id)) duplicates.push(i);
        else {
          const holder = this.#inFlight.get(id);
          if (holder === undefined) {
            this.#inFlight.set(id, claim);
            claimed.push(i);
            fresh.push(i);
          } else if (holder === claim)
            duplicates.push(i); // earlier in this batch
          else waits.add(holder);
        }
      }
      const unclaim = () => {
        for (const i of claimed) if (this.#inFlight.get(events[i]!.id) === claim) this.#inFlight.delete(events[i]!.id);
        release();
      };
      if (waits.size > 0) {
        // Another batch is writing some of these ids. Let go of ours (it may be waiting for
        // them), wait for it to settle, and start over: what it stored is then known.
        unclaim();
        await Promise.all(waits);
        continue;
      }
      if (claimed.length === 0) return { fresh, duplicates, settle: unclaim };

      let inStore: ReadonlySet<string>;
      try {
        inStore = await this.#lookup(claimed.map((i) => events[i]!));
      } catch (err) {
        unclaim();
        throw err;
      }
      let kept = fresh;
      if (inStore.size > 0) {
        kept = [];
        for (const i of fresh) {
          const id = events[i]!.id;
          if (id !== '' && inStore.has(id)) {
            duplicates.push(i);
            this.#remember(id);
          } else kept.push(i);
        }
      }
      let settled = false;
      return {
        fresh: kept,
        duplicates,
        settle: (stored) => {
          if (settled) return;
          settled = true;
          if (stored) for (const i of claimed) this.#remember(events[i]!.id);
          unclaim();
        },
      };
    }
  }

  #remember(id: string): void {
    if (this.#young.size >= Math.ceil(this.#recentCapacity / 2)) {
      this.#old = this.#young;
      this.#young = new Set();
    }
    this.#young.add(id);
  }
}
