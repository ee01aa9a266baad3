import { DDSketch } from '@datadog/sketches-js';
import type { Aggregation } from '@northstar/shared';
import type { HyperLogLog } from '../partials/hll.ts';
import { mergeSketch } from '../partials/partial.ts';

/** Quantile answers are within 1 % of the true value (DDSketch's guarantee); memory stays per slot, not per event. */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

/**
 * distinct_count is exact (the live value then equals ClickHouse's uniqExact in the
 * history), with bounded memory: a slot remembers at most this many values and a merged
 * window at most DISTINCT_VALUES_MERGED_MAX; past a bound new values are not counted, so
 * the answer becomes a lower bound. Worst case ≈ 121 slots × 10 000 short strings
 * ≈ 60-80 MiB for one rolling KPI. A HyperLogLog would cost a few KiB per slot at
 * ~1-2 % error; the walls we serve count team members and active accounts (hundreds to
 * thousands), where exact is cheap and a tile that disagrees with its own chart is not.
 */
export const DISTINCT_VALUES_PER_SLOT_MAX = 10_000;
export const DISTINCT_VALUES_MERGED_MAX = 100_000;

/** Aggregates of the events in a slot, a window or a calendar period so far. */
export interface Stats {
  count: number;
  sum: number;
  min: number;
  max: number;
  sketch: DDSketch | undefined;
  /** distinct_count: the values of the counted dimension. */
  distinct: Set<string> | undefined;
  /** A distinct value was left out at a memory bound: the distinct count is a lower bound (shown "≥"). */
  capped?: boolean;
  /**
   * distinct_count fed by partials (partials/): the values of a source's second that had
   * more than the partial keeps, as a HyperLogLog. The count is then its estimate over
   * them and `distinct` together (within ~1 %).
   */
  hll?: HyperLogLog;
}

/** What a window reports: the same aggregates, merged over its slots. */
export type WindowSummary = Stats;

const QUANTILES: Partial<Record<Aggregation, number>> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99 };

export function needsSketch(aggregation: Aggregation): boolean {
  return aggregation in QUANTILES;
}

export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
}

export function emptyStats(withSketch: boolean, withDistinct: boolean): Stats {
  return {
    count: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    sketch: withSketch ? newSketch() : undefined,
    distinct: withDistinct ? new Set() : undefined,
  };
}

/** Adds `key` to a distinct set of at most `max` values; a new value past the bound marks the stats capped. */
export function addDistinct(s: Stats, key: string, max: number): void {
  const set = s.distinct;
  if (!set || set.has(key)) return;
  if (set.size < max) set.add(key);
  else s.capped = true;
}

/**
 * Adds one event; `key` is the distinct dimension's value (distinct_count only), kept up to
 * `distinctMax` values (a rolling window's slot; a calendar period keeps the merged bound).
 */
export function addValue(s: Stats, value: number, key: string | undefined, distinctMax = DISTINCT_VALUES_PER_SLOT_MAX): void {
  s.count += 1;
  s.sum += value;
  if (value < s.min) s.min = value;
  if (value > s.max) s.max = value;
  s.sketch?.accept(value);
  if (key !== undefined) addDistinct(s, key, distinctMax);
}

/** Merges `s` into `out`, creating the sketch and set of `out` when `s` has them. */
export function mergeStats(out: Stats, s: Stats, distinctMax = DISTINCT_VALUES_MERGED_MAX): void {
  if (s.count === 0) return;
  mergeCounts(out, s, distinctMax);
  mergeSketches(out, s);
}

/**
 * The part of mergeStats whose result depends on the order of merging: the float sum (and
 * which values a capped distinct set keeps). A rolling window merges it afresh, in slot order.
 */
export function mergeCounts(out: Stats, s: Stats, distinctMax = DISTINCT_VALUES_MERGED_MAX): void {
  out.count += s.count;
  out.sum += s.sum;
  if (s.min < out.min) out.min = s.min;
  if (s.max > out.max) out.max = s.max;
  if (s.capped) out.capped = true;
  if (s.distinct) {
    out.distinct ??= new Set();
    for (const v of s.distinct) addDistinct(out, v, distinctMax);
  }
}

/** The parts a window's sketches are made of: the costly part of a merge. */
export type SketchParts = Pick<Stats, 'sketch' | 'hll'>;

/**
 * The part of mergeStats that gives the same result in any order and grouping: DDSketch
 * bins (an unbounded dense store adds counts per key; exact while weights are integers, as
 * every live event's and partial's are) and HyperLogLog registers (maximum per register).
 * So a window can keep it as prefix and suffix merges (sliding-aggregate.ts).
 */
export function mergeSketches(out: SketchParts, s: SketchParts): void {
  if (s.sketch) {
    out.sketch ??= newSketch();
    // not DDSketch's own merge: it leaves negative values out (partials/partial.ts)
    mergeSketch(out.sketch, s.sketch);
  }
  if (s.hll) {
    if (out.hll) out.hll.merge(s.hll);
    else out.hll = s.hll.clone();
  }
}

/** The HyperLogLog's estimate with the exact values added: never below the values known exactly. */
function distinctEstimate(hll: HyperLogLog, exact: ReadonlySet<string> | undefined): number {
  const all = hll.clone();
  for (const v of exact ?? []) all.add(v);
  return Math.max(exact?.size ?? 0, Math.round(all.estimate()));
}

/**
 * Applies an aggregation to a summary; null when it holds no event. `spanMs` is what
 * `rate` divides by: the rolling window, or the elapsed part of a calendar period.
 */
export function aggregate(summary: Stats, aggregation: Aggregation, spanMs: number): number | null {
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
      // per second over the whole span, so a quiet minute lowers the rate as it should
      return spanMs > 0 ? summary.sum / (spanMs / 1000) : null;
    case 'distinct_count':
      return summary.hll ? distinctEstimate(summary.hll, summary.distinct) : (summary.distinct?.size ?? 0);
    case 'p50':
    case 'p90':
    case 'p95':
    case 'p99':
      return summary.sketch ? summary.sketch.getValueAtQuantile(QUANTILES[aggregation] as number) : null;
  }
}
