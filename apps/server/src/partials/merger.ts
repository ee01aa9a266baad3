import type { PartialMessage, PartialsMessage } from './codec.ts';
import { partialKey } from './codec.ts';
import { partialDelta, type Partial } from './partial.ts';

/** What a window merges: a measure's events of one second, not yet merged. */
export interface PartialDelta {
  measure: string;
  second: number;
  partial: Partial;
}

/**
 * The receiving half, pure: cumulative partials from the topic in, what each adds to the
 * windows out. The latest partial of every (measure, second, source) within the horizon
 * is kept, so a re-publish (a retry, a new owner after a rebalance) adds only the events
 * the earlier one lacked, and a rebuilt window can take the recent seconds again
 * (`since`). Also kept: each Kafka source's watermark, for the partition's next owner.
 */
export class PartialMerger {
  readonly #horizonMs: number;
  readonly #latest = new Map<string, Omit<PartialMessage, 'kind'>>();
  readonly #watermarks = new Map<string, string>();
  readonly #intents = new Map<string, string>();

  constructor(horizonMs: number) {
    this.#horizonMs = horizonMs;
  }

  get size(): number {
    return this.#latest.size;
  }

  /** Takes one message; returns what it adds to the windows (undefined: nothing). */
  apply(m: PartialsMessage, nowMs: number): PartialDelta | undefined {
    if (m.kind !== 'partial') {
      const marks = m.kind === 'watermark' ? this.#watermarks : this.#intents;
      const was = marks.get(m.source);
      if (was === undefined || BigInt(m.offset) > BigInt(was)) marks.set(m.source, m.offset);
      return undefined;
    }
    const key = partialKey(m.measure, m.second, m.source);
    const older = this.#latest.get(key);
    // partials are cumulative, so one with fewer events is an older one read again (the
    // partials consumer commits nothing and re-reads the topic after a rejoin): keeping it as
    // the latest would count the newer one's events a second time when that is read again
    if (older && m.partial.count < older.partial.count) return undefined;
    const delta = partialDelta(m.partial, older?.partial);
    // a second past the horizon is not kept: a later publish of it carries only new events (accumulator.ts)
    if (m.second * 1000 >= nowMs - this.#horizonMs)
      this.#latest.set(key, { measure: m.measure, second: m.second, source: m.source, partial: m.partial });
    if (delta.count <= 0) return undefined;
    return { measure: m.measure, second: m.second, partial: delta };
  }

  /** The kept partials of seconds at or after `fromSecond`, merged per (measure, second) across sources. */
  *since(fromSecond: number): Generator<Omit<PartialMessage, 'kind'>> {
    for (const m of this.#latest.values()) if (m.second >= fromSecond) yield m;
  }

  /** What a source's previous owner published, for the new owner (accumulator.ts `adopt`). */
  published(source: string): { partials: Array<Omit<PartialMessage, 'kind'>>; watermark: string | undefined; intent: string | undefined } {
    return {
      partials: [...this.#latest.values()].filter((m) => m.source === source),
      watermark: this.#watermarks.get(source),
      intent: this.#intents.get(source),
    };
  }

  prune(nowMs: number): void {
    const oldest = Math.floor((nowMs - this.#horizonMs) / 1000);
    for (const [key, m] of this.#latest) if (m.second < oldest) this.#latest.delete(key);
  }
}
