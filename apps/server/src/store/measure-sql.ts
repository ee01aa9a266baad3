import type { Aggregation, Measure } from '@northstar/shared';
import { ROLLUP_QUANTILE_LEVELS, type SeriesSource } from './rollups.ts';

/**
 * Per aggregation, the -If aggregate state over a bucket's matching rows and its merge;
 * SQL text comes only from these allow-lists, values only from bound parameters. `{cond}`,
 * `{key}` and `{s}` are filled with generated SQL (conditions of bound parameters, the
 * state column's name).
 *
 * distinct_count uses uniqExact: the live tile counts exactly (up to its documented
 * bound), so the chart must too, or the last point would disagree with the tile. Over the
 * rollups it stays exact: a rollup row is keyed by its whole dims map, so each row holds
 * one value of the counted dimension.
 */
export interface StateSql {
  state: string;
  merge: string;
  /** The merged value is an array (the rollups' percentiles): take this 1-based element. */
  pick?: number;
  /** The merged value is a sum: the measure is that sum divided by the count (avg over rollups). */
  perCount?: boolean;
}

const LEVELS = ROLLUP_QUANTILE_LEVELS.join(', ');
const QUANTILE_INDEX: Partial<Record<Aggregation, number>> = { p50: 1, p90: 2, p95: 3, p99: 4 };

const RAW_STATES: Record<Aggregation, StateSql> = {
  count: { state: 'countIfState({cond})', merge: 'countIfMerge({s})' },
  sum: { state: 'sumIfState(value, {cond})', merge: 'sumIfMerge({s})' },
  rate: { state: 'sumIfState(value, {cond})', merge: 'sumIfMerge({s})' },
  avg: { state: 'avgIfState(value, {cond})', merge: 'avgIfMerge({s})' },
  min: { state: 'minIfState(value, {cond})', merge: 'minIfMerge({s})' },
  max: { state: 'maxIfState(value, {cond})', merge: 'maxIfMerge({s})' },
  p50: { state: 'quantileIfState(0.5)(value, {cond})', merge: 'quantileIfMerge(0.5)({s})' },
  p90: { state: 'quantileIfState(0.9)(value, {cond})', merge: 'quantileIfMerge(0.9)({s})' },
  p95: { state: 'quantileIfState(0.95)(value, {cond})', merge: 'quantileIfMerge(0.95)({s})' },
  p99: { state: 'quantileIfState(0.99)(value, {cond})', merge: 'quantileIfMerge(0.99)({s})' },
  distinct_count: { state: 'uniqExactIfState({key}, {cond})', merge: 'uniqExactIfMerge({s})' },
};

/** Over rollup rows (columns n, total, lo, hi, q; see migration 4). */
const ROLLUP_STATES: Record<Aggregation, StateSql> = {
  count: { state: 'sumIfState(n, {cond})', merge: 'sumIfMerge({s})' },
  sum: { state: 'sumIfState(total, {cond})', merge: 'sumIfMerge({s})' },
  rate: { state: 'sumIfState(total, {cond})', merge: 'sumIfMerge({s})' },
  avg: { state: 'sumIfState(total, {cond})', merge: 'sumIfMerge({s})', perCount: true },
  min: { state: 'minIfState(lo, {cond})', merge: 'minIfMerge({s})' },
  max: { state: 'maxIfState(hi, {cond})', merge: 'maxIfMerge({s})' },
  distinct_count: { state: 'uniqExactIfState({key}, {cond})', merge: 'uniqExactIfMerge({s})' },
  ...Object.fromEntries(
    Object.entries(QUANTILE_INDEX).map(([agg, pick]) => [
      agg,
      { state: `quantilesMergeStateIf(${LEVELS})(q, {cond})`, merge: `quantilesMerge(${LEVELS})({s})`, pick },
    ]),
  ),
} as Record<Aggregation, StateSql>;

export function stateSql(source: SeriesSource, aggregation: Aggregation): StateSql {
  return (source === 'events' ? RAW_STATES : ROLLUP_STATES)[aggregation];
}

/** The row condition of one measure: its metric, filter pairs and distinct dimension, as bound parameters only. */
export function measureCondition(m: Measure, i: number, params: Record<string, unknown>): string {
  params[`m${i}`] = m.metric;
  const parts = [`metric = {m${i}:String}`];
  Object.entries(m.filter ?? {}).forEach(([key, value], j) => {
    params[`m${i}k${j}`] = key;
    params[`m${i}v${j}`] = value;
    parts.push(`dims[{m${i}k${j}:String}] = {m${i}v${j}:String}`);
  });
  if (m.aggregation === 'distinct_count' && m.distinctBy) {
    params[`m${i}d`] = m.distinctBy;
    parts.push(`mapContains(dims, {m${i}d:String})`);
  }
  return parts.join(' AND ');
}

export interface MeasureSql {
  /** `<count state> AS c{i}[, <state> AS s{i}]` */
  states: string;
  /** Wraps a merge or finalize expression `x` of the value state (the rollups' percentile arrays are indexed). */
  value: (x: string) => string;
  countState: string;
  valueState: string | undefined;
  perCount: boolean;
  countMerge: string;
  valueMerge: string | undefined;
}

/** The SQL of measure `i` over `source`: its count state, its value state, their merges. */
export function measureSql(m: Measure, i: number, source: SeriesSource, params: Record<string, unknown>): MeasureSql {
  const cond = measureCondition(m, i, params);
  const count = stateSql(source, 'count');
  const countState = count.state.replace('{cond}', cond);
  const countMerge = count.merge.replace('{s}', `c${i}`);
  if (m.aggregation === 'count') {
    return {
      states: `${countState} AS c${i}`,
      value: (x) => x,
      countState,
      valueState: undefined,
      perCount: false,
      countMerge,
      valueMerge: undefined,
    };
  }
  const sql = stateSql(source, m.aggregation);
  const valueState = sql.state.replace('{cond}', cond).replace('{key}', `dims[{m${i}d:String}]`);
  return {
    states: `${countState} AS c${i}, ${valueState} AS s${i}`,
    value: (x) => (sql.pick ? `arrayElement(${x}, ${sql.pick})` : x),
    countState,
    valueState,
    perCount: sql.perCount === true,
    countMerge,
    valueMerge: sql.merge.replace('{s}', `s${i}`),
  };
}

/** A measure's value from its merged count and value; null when no event matched. */
export function measureValue(
  m: Measure,
  n: number,
  v: number | string | null | undefined,
  spanMs: number,
  perCount: boolean,
): number | null {
  if (n === 0 || Number.isNaN(n)) return null;
  if (m.aggregation === 'count') return n;
  if (v === null || v === undefined) return null;
  const x = perCount ? Number(v) / n : Number(v);
  return m.aggregation === 'rate' ? x / (spanMs / 1000) : x;
}
