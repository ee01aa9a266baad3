import type { Aggregation, SeriesPoint } from '@northstar/shared';
import {
  DISTINCT_VALUES_PER_SLOT_MAX,
  addDistinct,
  addValue,
  aggregate,
  emptyStats,
  mergeStats,
  type Stats,
  type WindowSummary,
} from './stats.ts';

export { aggregate, needsSketch, SKETCH_RELATIVE_ACCURACY, type WindowSummary } from './stats.ts';

/**
 * Slots per window: the window slides in steps of window/60, so an event leaves a
 * 5-minute window within 5 s of its exact expiry. More slots cost memory and merge time.
 */
export const SLOTS_PER_WINDOW = 60;

/** No slot shorter than a second: sub-second slots buy nothing on a wall. */
const MIN_SLOT_MS = 1000;

interface Slot extends Stats {
  index: number;
}

/**
 * A rolling window as a ring of time slots covering the current and the previous
 * window (for the trend). Memory is fixed per KPI whatever the event rate.
 */
export class RollingWindow {
  readonly windowMs: number;
  readonly slotMs: number;
  readonly slotsPerWindow: number;
  readonly #withSketch: boolean;
  readonly #withDistinct: boolean;
  readonly #ring: Array<Slot | undefined>;
  #newestIndex = -Infinity;
  /** Bumped on every change: a merged distinct set is reused until then (see #summarizeRange). */
  #version = 0;
  /** The current and the previous window's merged summaries, for distinct windows. */
  #memo: Array<{ lo: number; hi: number; version: number; summary: WindowSummary }> = [];

  constructor(windowMs: number, withSketch: boolean, withDistinct = false) {
    this.windowMs = windowMs;
    this.slotMs = Math.max(MIN_SLOT_MS, Math.ceil(windowMs / SLOTS_PER_WINDOW));
    this.slotsPerWindow = Math.ceil(windowMs / this.slotMs);
    this.#withSketch = withSketch;
    this.#withDistinct = withDistinct;
    this.#ring = new Array<Slot | undefined>(this.slotsPerWindow * 2 + 1);
  }

  #slotFor(ts: number): Slot | undefined {
    const index = Math.floor(ts / this.slotMs);
    if (index <= this.#newestIndex - this.#ring.length) return undefined; // older than both windows
    const pos = index % this.#ring.length;
    let slot = this.#ring[pos];
    if (slot === undefined || slot.index < index) {
      slot = { index, ...emptyStats(this.#withSketch, this.#withDistinct) };
      this.#ring[pos] = slot;
    } else if (slot.index > index) {
      return undefined; // its place already holds a newer slot
    }
    if (index > this.#newestIndex) this.#newestIndex = index;
    return slot;
  }

  /** Index of the newest slot that holds data. */
  get newestIndex(): number {
    return this.#newestIndex;
  }

  /**
   * Returns false when the event is too old to fall in either window. `key` is the
   * distinct dimension's value for a distinct_count window.
   */
  add(ts: number, value: number, key?: string): boolean {
    const slot = this.#slotFor(ts);
    if (!slot) return false;
    addValue(slot, value, key);
    this.#version += 1;
    return true;
  }

  /** Merges aggregates of events at `ts` (a partial from partials/); false when too old for either window. */
  addStats(ts: number, stats: Stats): boolean {
    const slot = this.#slotFor(ts);
    if (!slot) return false;
    mergeStats(slot, stats, DISTINCT_VALUES_PER_SLOT_MAX);
    this.#version += 1;
    return true;
  }

  /**
   * Seeds a slot from stored aggregates (start-up rebuild): samples stand in for the
   * values of a quantile sketch, `distinct` are the slot's distinct values.
   */
  seed(
    slotStartIndex: number,
    stats: { count: number; sum: number; min: number; max: number },
    samples: readonly number[],
    distinct: readonly string[] = [],
  ): void {
    const slot = this.#slotFor(slotStartIndex * this.slotMs);
    if (!slot || stats.count === 0) return;
    slot.count += stats.count;
    slot.sum += stats.sum;
    slot.min = Math.min(slot.min, stats.min);
    slot.max = Math.max(slot.max, stats.max);
    if (slot.sketch && samples.length > 0) {
      const weight = stats.count / samples.length;
      for (const v of samples) slot.sketch.accept(v, weight);
    }
    for (const v of distinct) addDistinct(slot, v, DISTINCT_VALUES_PER_SLOT_MAX);
    // the store sends at most the bound: a full list may have left values out
    if (slot.distinct && distinct.length >= DISTINCT_VALUES_PER_SLOT_MAX) slot.capped = true;
    this.#version += 1;
  }

  /**
   * The KPI as it stood at the end of each of the last `slotsPerWindow` completed slots:
   * a sparkline of one window's length, rebuilt from the ring (so late events and a
   * start-up rebuild show up in it too). O(slots²) merges; about 8 ms for a quantile KPI.
   */
  history(nowMs: number, aggregation: Aggregation): SeriesPoint[] {
    const lastComplete = Math.floor(nowMs / this.slotMs) - 1;
    const points: SeriesPoint[] = [];
    for (let end = lastComplete - this.slotsPerWindow + 1; end <= lastComplete; end++) {
      const endMs = (end + 1) * this.slotMs;
      points.push([endMs, aggregate(this.#summarizeRange(end - this.slotsPerWindow, end), aggregation, this.windowMs)]);
    }
    return points;
  }

  /** `offset` 0 is the window ending at `nowMs`; 1 is the one before it. */
  summarize(nowMs: number, offset: 0 | 1 = 0): WindowSummary {
    const nowIndex = Math.floor(nowMs / this.slotMs);
    const hi = nowIndex - offset * this.slotsPerWindow;
    return this.#summarizeRange(hi - this.slotsPerWindow, hi);
  }

  /**
   * Slots with index in (lo, hi]. A distinct window's union costs O(values in the
   * window), so the last one is kept until an event lands or the window slides.
   */
  #summarizeRange(lo: number, hi: number): WindowSummary {
    const memo = this.#memo.find((m) => m.lo === lo && m.hi === hi && m.version === this.#version);
    if (memo) return memo.summary;
    const out: WindowSummary = { count: 0, sum: 0, min: Infinity, max: -Infinity, sketch: undefined, distinct: undefined };
    for (const slot of this.#ring) {
      if (!slot || slot.index <= lo || slot.index > hi) continue;
      mergeStats(out, slot);
    }
    if (this.#withDistinct) this.#memo = [{ lo, hi, version: this.#version, summary: out }, ...this.#memo.slice(0, 1)];
    return out;
  }
}
