import type { Aggregation, SeriesPoint } from '@northstar/shared';
import {
  DISTINCT_VALUES_PER_SLOT_MAX,
  addDistinct,
  addValue,
  aggregate,
  emptyStats,
  mergeCounts,
  mergeSketches,
  mergeStats,
  type SketchParts,
  type Stats,
  type WindowSummary,
} from './stats.ts';
import { SlidingAggregate, type MergeOps } from './sliding-aggregate.ts';

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
  /**
   * Seeded with fractional sample weights (count / samples): the sketch's bin sums then
   * depend on the order of merging, so windows holding this slot merge sketches in ring
   * order, as a fresh merge does, rather than from prefix/suffix merges.
   */
  fractionalWeights?: boolean;
}

/**
 * The current window keeps a suffix sketch every this many slots (6 of them for 60 slots):
 * a merged sketch over a window's value range is a few KiB, and 60 of them per quantile KPI
 * cost ~0.4 MiB; with 6 a slide takes up to 9 more merges, once per slot, not per read.
 */
const SUFFIX_SKETCH_EVERY_SLOTS = 10;

const SKETCH_OPS: MergeOps<SketchParts> = {
  empty: () => ({ sketch: undefined, hll: undefined }),
  mergeInto: mergeSketches,
  isEmpty: (p) => p.sketch === undefined && p.hll === undefined,
};

/**
 * One window read again and again as time passes (the current one, or the previous one for
 * the trend): its summary, kept until a slot in it changes or it slides.
 */
interface Lane {
  lo: number;
  hi: number;
  summary: WindowSummary | undefined;
  /**
   * The current window's sketches as prefix/suffix merges, so a read after a few events
   * costs a few merges, not one per slot. The previous window changes about once per slot
   * (when it slides), so it merges its sketches afresh then rather than keep a window's
   * worth of suffix sketches in memory.
   */
  readonly sketches: SlidingAggregate<SketchParts> | undefined;
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
  /** summarize(now, 0) and summarize(now, 1). */
  readonly #lanes: readonly [Lane, Lane];

  constructor(windowMs: number, withSketch: boolean, withDistinct = false) {
    this.windowMs = windowMs;
    this.slotMs = Math.max(MIN_SLOT_MS, Math.ceil(windowMs / SLOTS_PER_WINDOW));
    this.slotsPerWindow = Math.ceil(windowMs / this.slotMs);
    this.#withSketch = withSketch;
    this.#withDistinct = withDistinct;
    this.#ring = new Array<Slot | undefined>(this.slotsPerWindow * 2 + 1);
    const current: Lane = {
      lo: 0,
      hi: 0,
      summary: undefined,
      sketches: new SlidingAggregate(SKETCH_OPS, (i) => this.#filledSlot(i), SUFFIX_SKETCH_EVERY_SLOTS),
    };
    this.#lanes = [current, { lo: 0, hi: 0, summary: undefined, sketches: undefined }];
  }

  #position(index: number): number {
    const n = this.#ring.length;
    return ((index % n) + n) % n;
  }

  /** The slot of `index` when it holds events (mergeStats skips empty ones too). */
  #filledSlot(index: number): Slot | undefined {
    const slot = this.#ring[this.#position(index)];
    return slot !== undefined && slot.index === index && slot.count > 0 ? slot : undefined;
  }

  /** A slot's content changed: cached reads that cover it are stale. */
  #changed(index: number): void {
    for (const lane of this.#lanes) {
      if (index > lane.lo && index <= lane.hi) lane.summary = undefined;
      lane.sketches?.changed(index);
    }
  }

  #slotFor(ts: number): Slot | undefined {
    const index = Math.floor(ts / this.slotMs);
    if (index <= this.#newestIndex - this.#ring.length) return undefined; // older than both windows
    const pos = this.#position(index);
    let slot = this.#ring[pos];
    if (slot === undefined || slot.index < index) {
      if (slot !== undefined) this.#changed(slot.index); // its events leave the ring
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
    this.#changed(slot.index);
    return true;
  }

  /** Merges aggregates of events at `ts` (a partial from partials/); false when too old for either window. */
  addStats(ts: number, stats: Stats): boolean {
    const slot = this.#slotFor(ts);
    if (!slot) return false;
    mergeStats(slot, stats, DISTINCT_VALUES_PER_SLOT_MAX);
    this.#changed(slot.index);
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
      if (!Number.isInteger(weight)) slot.fractionalWeights = true;
    }
    for (const v of distinct) addDistinct(slot, v, DISTINCT_VALUES_PER_SLOT_MAX);
    // the store sends at most the bound: a full list may have left values out
    if (slot.distinct && distinct.length >= DISTINCT_VALUES_PER_SLOT_MAX) slot.capped = true;
    this.#changed(slot.index);
  }

  /**
   * The KPI as it stood at the end of each of the last `slotsPerWindow` completed slots:
   * a sparkline of one window's length, rebuilt from the ring (so late events and a
   * start-up rebuild show up in it too), once per slot. The sketches slide along (a few
   * merges a point); the counts are merged afresh per point, in ring order.
   */
  history(nowMs: number, aggregation: Aggregation): SeriesPoint[] {
    const lastComplete = Math.floor(nowMs / this.slotMs) - 1;
    const sketches = new SlidingAggregate(SKETCH_OPS, (i) => this.#filledSlot(i));
    const points: SeriesPoint[] = [];
    for (let end = lastComplete - this.slotsPerWindow + 1; end <= lastComplete; end++) {
      const endMs = (end + 1) * this.slotMs;
      points.push([endMs, aggregate(this.#merge(end - this.slotsPerWindow, end, sketches), aggregation, this.windowMs)]);
    }
    return points;
  }

  /** `offset` 0 is the window ending at `nowMs`; 1 is the one before it. Do not mutate the result: it is cached. */
  summarize(nowMs: number, offset: 0 | 1 = 0): WindowSummary {
    const [lo, hi] = this.#range(nowMs, offset);
    const lane = this.#lanes[offset];
    if (lane.summary !== undefined && lane.lo === lo && lane.hi === hi) return lane.summary;
    lane.summary = this.#merge(lo, hi, lane.sketches);
    lane.lo = lo;
    lane.hi = hi;
    return lane.summary;
  }

  /** Slots with index in (lo, hi]: equal to #mergeRange, with the sketches read from `sketches` when given. */
  #merge(lo: number, hi: number, sketches: SlidingAggregate<SketchParts> | undefined): WindowSummary {
    const out: WindowSummary = { count: 0, sum: 0, min: Infinity, max: -Infinity, sketch: undefined, distinct: undefined };
    // in ring order, as #mergeRange: a float sum depends on the order of its terms
    const n = this.#ring.length;
    const first = this.#position(lo + 1);
    const last = this.#position(hi);
    let fractional: boolean;
    if (first <= last) fractional = this.#mergeCounts(out, lo, hi, first, last);
    else {
      const newer = this.#mergeCounts(out, lo, hi, 0, last);
      fractional = this.#mergeCounts(out, lo, hi, first, n - 1) || newer;
    }
    if (fractional || sketches === undefined) {
      // and the first windows after a start-up rebuild: merge the sketches afresh, in ring order
      for (const slot of this.#ring)
        if (slot !== undefined && slot.index > lo && slot.index <= hi && slot.count > 0) mergeSketches(out, slot);
    } else {
      const merged = sketches.read(lo, hi);
      out.sketch = merged.sketch;
      if (merged.hll) out.hll = merged.hll;
    }
    return out;
  }

  /** The same summary merged afresh from every slot, with no cache: what summarize() must equal (tests, bench). */
  summarizeFresh(nowMs: number, offset: 0 | 1 = 0): WindowSummary {
    const [lo, hi] = this.#range(nowMs, offset);
    return this.#mergeRange(lo, hi);
  }

  #range(nowMs: number, offset: 0 | 1): [lo: number, hi: number] {
    const hi = Math.floor(nowMs / this.slotMs) - offset * this.slotsPerWindow;
    return [hi - this.slotsPerWindow, hi];
  }

  /** Merges the counts of the slots of (lo, hi] at ring positions [fromPos, toPos]; true when one has fractional weights. */
  #mergeCounts(out: WindowSummary, lo: number, hi: number, fromPos: number, toPos: number): boolean {
    let fractional = false;
    for (let p = fromPos; p <= toPos; p++) {
      const slot = this.#ring[p];
      if (slot === undefined || slot.index <= lo || slot.index > hi || slot.count === 0) continue;
      mergeCounts(out, slot);
      if (slot.fractionalWeights) fractional = true;
    }
    return fractional;
  }

  /** Slots with index in (lo, hi], merged one by one in ring order. */
  #mergeRange(lo: number, hi: number): WindowSummary {
    const out: WindowSummary = { count: 0, sum: 0, min: Infinity, max: -Infinity, sketch: undefined, distinct: undefined };
    for (const slot of this.#ring) {
      if (!slot || slot.index <= lo || slot.index > hi) continue;
      mergeStats(out, slot);
    }
    return out;
  }
}
