import type { MetricEvent } from '@northstar/shared';
import { withinWindow } from '../store/event-identity.ts';
import { IdentityMap } from '../store/identity-map.ts';

/** Asks the store which of these events it already holds (the same event by event-identity.ts). */
export type StoredIdLookup = (events: readonly MetricEvent[]) => Promise<ReadonlySet<MetricEvent>>;

export interface Admission {
  /** Indexes (into the admitted batch) of the events to insert: first sight of their id, or no id. */
  fresh: number[];
  /** Indexes of events dropped as repeats: already stored, earlier in the batch, or stored by a concurrent batch. */
  duplicates: number[];
  /** Call once the insert of the fresh events has settled; `stored` says whether it succeeded. */
  settle(stored: boolean): void;
}

/**
 * Idempotency by event identity (event-identity.ts: metric and id, timestamps within the
 * window), for every source in this process. An event is let through once: the in-flight
 * map makes a second batch carrying the same metric and id wait for the first batch's
 * insert, the recent map answers repeats without a query, and the store answers for
 * everything older (a redelivery after a crash or a rebalance, another instance). Memory
 * and store apply the same rule, so what is a repeat does not depend on process history.
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
  #young = new IdentityMap<number>();
  #old = new IdentityMap<number>();
  /** Identity → the claim of the batch writing it, and the claimed event's ts. */
  readonly #inFlight = new IdentityMap<{ claim: Promise<void>; ts: number }>();

  constructor(lookup: StoredIdLookup, recentCapacity: number) {
    this.#lookup = lookup;
    this.#recentCapacity = recentCapacity;
  }

  get recentSize(): number {
    return this.#young.size + this.#old.size;
  }

  /** Memory holds the latest stored ts per key: a hit within the window is a repeat; a miss asks the store. */
  #known(e: MetricEvent): boolean {
    const stored = this.#young.get(e.metric, e.id) ?? this.#old.get(e.metric, e.id);
    const ts = e.ts;
    return stored !== undefined && withinWindow(stored, ts);
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
        const e = events[i]!;
        if (e.id === '') {
          fresh.push(i);
          continue;
        }
        if (this.#known(e)) duplicates.push(i);
        else {
          const holder = this.#inFlight.get(e.metric, e.id);
          if (holder === undefined) {
            this.#inFlight.set(e.metric, e.id, { claim, ts: e.ts });
            claimed.push(i);
            fresh.push(i);
          } else if (holder.claim === claim) {
            // earlier in this batch: the same event within the window, another one beyond it
            if (withinWindow(holder.ts, e.ts)) duplicates.push(i);
            else fresh.push(i);
          } else waits.add(holder.claim);
        }
      }
      const unclaim = () => {
        for (const i of claimed) {
          const e = events[i]!;
          if (this.#inFlight.get(e.metric, e.id)?.claim === claim) this.#inFlight.delete(e.metric, e.id);
        }
        release();
      };
      if (waits.size > 0) {
        // Another batch is writing some of these ids. Let go of ours (it may be waiting for
        // them), wait for it to settle, and start over: what it stored is then known.
        unclaim();
        await Promise.all(waits);
        continue;
      }
      // the claimed ones, and any same-key event of this batch beyond the window of the claimed one
      const toAsk = claimed.length === fresh.length ? claimed : fresh.filter((i) => events[i]!.id !== '');
      if (toAsk.length === 0) return { fresh, duplicates, settle: unclaim };

      let inStore: ReadonlySet<MetricEvent>;
      try {
        inStore = await this.#lookup(toAsk.map((i) => events[i]!));
      } catch (err) {
        unclaim();
        throw err;
      }
      let kept = fresh;
      if (inStore.size > 0) {
        kept = [];
        for (const i of fresh) {
          const e = events[i]!;
          if (e.id !== '' && inStore.has(e)) {
            duplicates.push(i);
            this.#remember(e);
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
          if (stored) for (const i of claimed) this.#remember(events[i]!);
          unclaim();
        },
      };
    }
  }

  #remember(e: MetricEvent): void {
    if (this.#young.size >= Math.ceil(this.#recentCapacity / 2)) {
      this.#old = this.#young;
      this.#young = new IdentityMap();
    }
    this.#young.set(e.metric, e.id, e.ts);
  }
}
