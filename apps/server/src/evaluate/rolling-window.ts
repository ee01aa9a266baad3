import { DDSketch } from '@datadog/sketches-js';
import type { Aggregation, SeriesPoint } from '@northstar/shared';

/** Quantile answers are within 1 % of the true value (DDSketch's guarantee); memory stays per slot, not per event. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * Slots per window: the window slides in steps of window/60, so an event leaves a
 * 5-minute window within 5 s of its exact expiry. More slots cost memory and merge time.
 */
export const SLOTS_PER_WINDOW = 60;

/** No slot shorter than a second: sub-second slots buy nothing on a wall. */
const MIN_SLOT_MS = 1000;

interface Slot {
  index: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: DDSketch | undefined;
}

export interface WindowSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: DDSketch | undefined;
}

const QUANTILES: Partial<Record<Aggregation, number>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

export function needsSketch(aggregation: Aggregation): boolean {
  return aggregation in QUANTILES;
}

/** Applies an aggregation to a window summary; null when the window is empty. */
export function aggregate(summary: WindowSummary, aggregation: Aggregation, windowMs: number): number | null {
  if (summary.count === 0) return null;
  switch (aggregation) {
    case 'sum':
      return summary.sum;
    case 'count':
      return summary.count;
    case 'avg':
      return summary.sum / summary.count;
    case 'min':
      return summary.min;
    case 'max':
      return summary.max;
    case 'rate':
      // per second over the whole window, so a quiet minute lowers the rate as it should
      return summary.sum / (windowMs / 1000);
    case 'p50':
    case 'p90':
    case 'p95':
    case 'p99':
      return summary.sketch ? summary.sketch.getValueAtQuantile(QUANTILES[aggregation] as number) : null;
  }
}

function emptySlot(index: number, withSketch: boolean): Slot {
  return {
    index,
    count: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    sketch: withSketch ? new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }) : undefined,
  };
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
  readonly #ring: Array<Slot | undefined>;
  #newestIndex = -Infinity;

  constructor(windowMs: number, withSketch: boolean) {
    this.windowMs = windowMs;
    this.slotMs = Math.max(MIN_SLOT_MS, Math.ceil(windowMs / SLOTS_PER_WINDOW));
    this.slotsPerWindow = Math.ceil(windowMs / this.slotMs);
    this.#withSketch = withSketch;
    this.#ring = new Array<Slot | undefined>(this.slotsPerWindow * 2 + 1);
  }

  #slotFor(ts: number): Slot | undefined {
    const index = Math.floor(ts / this.slotMs);
    if (index <= this.#newestIndex - this.#ring.length) return undefined; // older than both windows
    const pos = index % this.#ring.length;
    let slot = this.#ring[pos];
    if (slot === undefined || slot.index < index) {
      slot = emptySlot(index, this.#withSketch);
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

  /** Returns false when the event is too old to fall in either window. */
  add(ts: number, value: number): boolean {
    const slot = this.#slotFor(ts);
    if (!slot) return false;
    slot.count += 1;
    slot.sum += value;
    if (value < slot.min) slot.min = value;
    if (value > slot.max) slot.max = value;
    slot.sketch?.accept(value);
    return true;
  }

  /** Seeds a slot from stored aggregates (start-up rebuild); samples stand in for the values. */
  seed(slotStartIndex: number, stats: { count: number; sum: number; min: number; max: number }, samples: readonly number[]): void {
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

  /** Slots with index in (lo, hi]. */
  #summarizeRange(lo: number, hi: number): WindowSummary {
    const out: WindowSummary = { count: 0, sum: 0, min: Infinity, max: -Infinity, sketch: undefined };
    for (const slot of this.#ring) {
      if (!slot || slot.index <= lo || slot.index > hi || slot.count === 0) continue;
      out.count += slot.count;
      out.sum += slot.sum;
      if (slot.min < out.min) out.min = slot.min;
      if (slot.max > out.max) out.max = slot.max;
      if (slot.sketch) {
        out.sketch ??= new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
        out.sketch.merge(slot.sketch);
      }
    }
    return out;
  }
}
