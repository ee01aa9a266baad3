import { DDSketch } from '@datadog/sketches-js';
import { HyperLogLog } from './hll.ts';

/** Quantiles from a merged partial are within 1 % of the true value (DDSketch's guarantee). */
export const PARTIAL_SKETCH_ACCURACY = 0.01;
/**
 * Distinct values a partial keeps exactly (500 × 256 characters stays under the message limit, codec.ts); past this it keeps a HyperLogLog of them instead
 * (hll.ts): a wall's distinct counts are mostly small, where exact agrees with the store's
 * uniqExact, and a partial stays well under a Kafka message's size either way.
 */
export const PARTIAL_VALUES_MAX = 500;

/**
 * The aggregates of one KPI measure's events in one second from one source (a Kafka
 * partition, or one instance's HTTP ingest): what an instance publishes so every other
 * instance can merge it into its windows. Count, sum, min and max merge exactly; the
 * quantile sketch within PARTIAL_SKETCH_ACCURACY; distinct values exactly while few,
 * then within the HyperLogLog's error.
 */
export interface Partial {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** The newest event time folded in (epoch ms): the tile's "last event". */
  lastTs: number;
  /** Only for measures read as a quantile. */
  sketch?: DDSketch;
  /** distinct_count: the values, while at most PARTIAL_VALUES_MAX. */
  values?: Set<string>;
  /** distinct_count past PARTIAL_VALUES_MAX: every value seen, as a HyperLogLog. */
  hll?: HyperLogLog;
}

export interface PartialShape {
  sketch: boolean;
  distinct: boolean;
}

export function newSketch(): DDSketch {
  return new DDSketch({ relativeAccuracy: PARTIAL_SKETCH_ACCURACY });
}

export function emptyPartial(shape: PartialShape): Partial {
  return {
    count: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    lastTs: -Infinity,
    ...(shape.sketch ? { sketch: newSketch() } : {}),
    ...(shape.distinct ? { values: new Set<string>() } : {}),
  };
}

/**
 * `into` += `from`. DDSketch's own merge (sketches-js 2.1.1) leaves out the negative
 * values' store, so a merged quantile of a metric with negative values was wrong by
 * orders of magnitude (partials.test.ts found it); this merges both stores.
 */
export function mergeSketch(into: DDSketch, from: DDSketch): void {
  if (from.count === 0) return;
  into.store.merge(from.store);
  into.negativeStore.merge(from.negativeStore);
  into.zeroCount += from.zeroCount;
  into.count += from.count;
  into.sum += from.sum;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
}

function addDistinct(p: Partial, key: string): void {
  if (p.hll) {
    p.hll.add(key);
    return;
  }
  const values = (p.values ??= new Set());
  values.add(key);
  if (values.size > PARTIAL_VALUES_MAX) {
    const hll = new HyperLogLog();
    for (const v of values) hll.add(v);
    p.hll = hll;
    delete p.values;
  }
}

/** Folds one event in; `key` is the distinct dimension's value (distinct measures only). */
export function foldEvent(p: Partial, ts: number, value: number, key?: string): void {
  p.count += 1;
  p.sum += value;
  if (value < p.min) p.min = value;
  if (value > p.max) p.max = value;
  if (ts > p.lastTs) p.lastTs = ts;
  p.sketch?.accept(value);
  if (key !== undefined) addDistinct(p, key);
}

/** Merges `from` into `into` (in place): the partial of both sets of events. */
export function mergePartial(into: Partial, from: Partial): void {
  if (from.count === 0) return;
  into.count += from.count;
  into.sum += from.sum;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
  if (from.lastTs > into.lastTs) into.lastTs = from.lastTs;
  if (from.sketch) mergeSketch((into.sketch ??= newSketch()), from.sketch);
  if (from.hll) {
    if (!into.hll) {
      into.hll = from.hll.clone();
      for (const v of into.values ?? []) into.hll.add(v);
      delete into.values;
    } else into.hll.merge(from.hll);
  }
  for (const v of from.values ?? []) addDistinct(into, v);
}

export function clonePartial(p: Partial): Partial {
  const out = emptyPartial({ sketch: p.sketch !== undefined, distinct: p.values !== undefined || p.hll !== undefined });
  mergePartial(out, p);
  return out;
}

/** The distinct count a partial stands for: exact while it keeps values, else the HyperLogLog's estimate. */
export function distinctCount(p: Partial): number {
  if (p.hll) return p.hll.estimate();
  return p.values?.size ?? 0;
}

function sketchMinus(newer: DDSketch, older: DDSketch | undefined): DDSketch {
  const out = newSketch();
  const copyStore = (from: DDSketch['store'], was: DDSketch['store'] | undefined, to: DDSketch['store']) => {
    if (from.count === 0) return;
    for (let key = from.minKey; key <= from.maxKey; key++) {
      const before = was && was.count > 0 && key >= was.minKey && key <= was.maxKey ? (was.bins[key - was.offset] ?? 0) : 0;
      const w = (from.bins[key - from.offset] ?? 0) - before;
      if (w > 0) to.add(key, w);
    }
  };
  copyStore(newer.store, older?.store, out.store);
  copyStore(newer.negativeStore, older?.negativeStore, out.negativeStore);
  out.zeroCount = Math.max(0, newer.zeroCount - (older?.zeroCount ?? 0));
  out.count = out.store.count + out.negativeStore.count + out.zeroCount;
  out.min = newer.min;
  out.max = newer.max;
  out.sum = newer.sum - (older?.sum ?? 0);
  return out;
}

/**
 * What `newer` adds to `older` when both are cumulative partials of the same key (the
 * same source's events of the same second, `newer` holding more of them): merging the
 * result into a window that merged `older` leaves it as if it had merged `newer` alone.
 * Count, sum and the sketch's bins are subtracted; min, max, distinct values and the
 * HyperLogLog merge idempotently, so they are passed whole.
 */
export function partialDelta(newer: Partial, older: Partial | undefined): Partial {
  if (!older) return newer;
  return {
    count: newer.count - older.count,
    sum: newer.sum - older.sum,
    min: newer.min,
    max: newer.max,
    lastTs: newer.lastTs,
    ...(newer.sketch ? { sketch: sketchMinus(newer.sketch, older.sketch) } : {}),
    ...(newer.values ? { values: newer.values } : {}),
    ...(newer.hll ? { hll: newer.hll } : {}),
  };
}
