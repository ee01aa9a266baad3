import type { MetricEvent } from '@northstar/shared';
import { withinWindow } from '../store/event-identity.ts';
import { IdentityMap } from '../store/identity-map.ts';
import { inLoopSlices } from '../store/loop-slices.ts';

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
 * What memory holds for one identity: with `claim` null, an event of it stored at `ts`; with
 * a claim, the batch writing the event at `ts` (settled: stored, or forgotten if it failed).
 * One entry for both, so an event costs two or three map operations instead of seven
 * (recent lookups, in-flight lookup, claim, release, remember): on this box the guard's map
 * operations were most of its ~2 µs an event (`node --cpu-prof`, bench/history phase 2).
 */
class Entry {
  constructor(
    public ts: number,
    public claim: Promise<void> | null,
  ) {}
}

/**
 * Idempotency by event identity (event-identity.ts: metric and id, timestamps within the
 * window), for every source in this process. An event is let through once: a claimed entry
 * makes a second batch carrying the same metric and id wait for the first batch's insert,
 * a stored entry answers repeats without a query, and the store answers for everything
 * older (a redelivery after a crash or a rebalance, another instance). Memory and store
 * apply the same rule, so what is a repeat does not depend on process history. Events
 * without an id are not looked at here: the Kafka offset-range token covers them.
 */
export class IdGuard {
  readonly #lookup: StoredIdLookup;
  readonly #recentCapacity: number;
  /**
   * Entries in two generations: when the young one is full it becomes the old one and the
   * previous old one is dropped whole, except the entries still claimed, which move to the
   * new young one (a claim is never forgotten while its batch writes). Evicting one id at a
   * time from a Map's front is quadratic in V8 (every new iterator walks the deleted slots).
   */
  #young = new IdentityMap<Entry>();
  #old = new IdentityMap<Entry>();

  /** Settles when the claim pass in progress (if any) has ended; see admit. */
  #claimPass: Promise<void> = Promise.resolve();

  constructor(lookup: StoredIdLookup, recentCapacity: number) {
    this.#lookup = lookup;
    this.#recentCapacity = recentCapacity;
  }

  get recentSize(): number {
    return this.#young.size + this.#old.size;
  }

  #find(e: MetricEvent): Entry | undefined {
    return this.#young.get(e.metric, e.id) ?? this.#old.get(e.metric, e.id);
  }

  #add(e: MetricEvent, entry: Entry): void {
    if (this.#young.size >= Math.ceil(this.#recentCapacity / 2)) {
      const dropped = this.#old;
      this.#old = this.#young;
      this.#young = new IdentityMap();
      dropped.forEach((kept, metric, id) => {
        if (kept.claim !== null) this.#young.set(metric, id, kept);
      });
    }
    this.#young.set(e.metric, e.id, entry);
  }

  #forget(e: MetricEvent): void {
    this.#young.delete(e.metric, e.id);
    this.#old.delete(e.metric, e.id);
  }

  /** Waits for the claim pass in progress, then holds the lock until the returned function is called. */
  async #lockClaims(): Promise<() => void> {
    let unlock!: () => void;
    const previous = this.#claimPass;
    this.#claimPass = new Promise((resolve) => (unlock = resolve));
    await previous;
    return unlock;
  }

  async admit(events: readonly MetricEvent[]): Promise<Admission> {
    for (;;) {
      const duplicates: number[] = [];
      const fresh: number[] = [];
      const claimed: number[] = [];
      const waits = new Set<Promise<void>>();
      let release!: () => void;
      const claim = new Promise<void>((resolve) => (release = resolve));
      // One pass under the claim lock: no other batch's pass runs between its slices, so each
      // new id is claimed before another batch can look at it, as in one synchronous pass;
      // in slices, so a 20 000-event batch does not hold the event loop (and every chart
      // and frame waiting on it) for the whole pass (bench/history, phase 2).
      const unlock = await this.#lockClaims();
      try {
        await inLoopSlices(events.length, (from, to) => {
          for (let i = from; i < to; i++) {
            const e = events[i]!;
            if (e.id === '') {
              fresh.push(i);
              continue;
            }
            const entry = this.#find(e);
            if (entry === undefined) {
              this.#add(e, new Entry(e.ts, claim));
              claimed.push(i);
              fresh.push(i);
            } else if (entry.claim === null) {
              if (withinWindow(entry.ts, e.ts)) duplicates.push(i);
              else {
                // stored, but beyond the window: a new event of the same id, this batch writes it
                entry.ts = e.ts;
                entry.claim = claim;
                claimed.push(i);
                fresh.push(i);
              }
            } else if (entry.claim === claim) {
              // earlier in this batch: the same event within the window, another one beyond it
              if (withinWindow(entry.ts, e.ts)) duplicates.push(i);
              else fresh.push(i);
            } else waits.add(entry.claim);
          }
        });
      } finally {
        unlock();
      }
      /**
       * Ends this batch's claims: stored, they are remembered as stored; otherwise forgotten.
       * In slices too; a batch waiting for these ids is released once all are ended (an id
       * another batch sees already ended is stored, or free to claim, either way right).
       */
      const unclaim = (stored: boolean) =>
        inLoopSlices(claimed.length, (from, to) => {
          for (let k = from; k < to; k++) {
            const e = events[claimed[k]!]!;
            const entry = this.#find(e);
            if (entry?.claim !== claim) continue;
            if (stored) entry.claim = null;
            else this.#forget(e);
          }
        }).then(release);
      if (waits.size > 0) {
        // Another batch is writing some of these ids. Let go of ours (it may be waiting for
        // them), wait for it to settle, and start over: what it stored is then known.
        await unclaim(false);
        await Promise.all(waits);
        continue;
      }
      // the claimed ones, and any same-key event of this batch beyond the window of the claimed one
      const toAsk = claimed.length === fresh.length ? claimed : fresh.filter((i) => events[i]!.id !== '');
      if (toAsk.length === 0) return { fresh, duplicates, settle: () => void unclaim(false) };

      let inStore: ReadonlySet<MetricEvent>;
      try {
        inStore = await this.#lookup(toAsk.map((i) => events[i]!));
      } catch (err) {
        await unclaim(false);
        throw err;
      }
      let kept = fresh;
      if (inStore.size > 0) {
        kept = [];
        for (const i of fresh) {
          const e = events[i]!;
          if (e.id !== '' && inStore.has(e)) {
            duplicates.push(i);
            // stored already: known from now on. Only the claimed event's own claim ends here
            // (same ts); a later copy beyond its window leaves the claim to the copy being written.
            const entry = this.#find(e);
            if (entry === undefined) this.#add(e, new Entry(e.ts, null));
            else if (entry.claim === claim && entry.ts === e.ts) entry.claim = null;
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
          void unclaim(stored);
        },
      };
    }
  }
}
