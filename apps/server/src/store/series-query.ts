import type { ClickHouseClient } from '@clickhouse/client';
import {
  calendarSpan,
  isCalendarWindow,
  kpiMeasures,
  rollingWindowMs,
  type Aggregation,
  type CalendarWindow,
  type KpiDefinition,
  type Measure,
  type SeriesPoint,
} from '@northstar/shared';
import { combineMeasures } from '../evaluate/formula.ts';

/**
 * Per aggregation, the -If aggregate state over the bucket's matching rows and its merge;
 * SQL text comes only from this allow-list, values only from bound parameters. `{cond}`,
 * `{key}` and `{s}` are filled with generated SQL (conditions of bound parameters, the
 * state column's name).
 *
 * distinct_count uses uniqExact: the live tile counts exactly (up to its documented
 * bound), so the chart must too, or the last point would disagree with the tile; its
 * state grows with the distinct values per bucket, which for the cardinalities a wall
 * counts (people, accounts, regions) stays small. uniq (adaptive sampling, ~1 % error)
 * is the swap if a KPI ever counts millions.
 */
const STATE_SQL: Record<Exclude<Aggregation, 'count'>, { state: string; merge: string }> = {
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

/**
 * The start of the calendar period (in the bound time zone) of bucket `b`, in epoch ms.
 * ClickHouse takes the zone as a bound parameter ({tz:String}); the KPI schema has
 * already checked it is an IANA zone.
 */
const PERIOD_START_SQL: Record<CalendarWindow, string> = {
  today: 'toUnixTimestamp(toStartOfDay(toDateTime(intDiv(b * {bucket:UInt64}, 1000), {tz:String}))) * 1000',
  week_to_date:
    'toUnixTimestamp(toDateTime(toStartOfWeek(toDateTime(intDiv(b * {bucket:UInt64}, 1000), {tz:String}), 1), {tz:String})) * 1000',
  month_to_date:
    'toUnixTimestamp(toDateTime(toStartOfMonth(toDateTime(intDiv(b * {bucket:UInt64}, 1000), {tz:String})), {tz:String})) * 1000',
  quarter_to_date:
    'toUnixTimestamp(toDateTime(toStartOfQuarter(toDateTime(intDiv(b * {bucket:UInt64}, 1000), {tz:String})), {tz:String})) * 1000',
};

/** Calendar buckets must not straddle a period start; every zone's offset is a multiple of 15 minutes. */
const CALENDAR_BUCKET_GRAIN_MS = 900_000;

export interface SeriesRange {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
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

function measureColumns(m: Measure, i: number, params: Record<string, unknown>): { state: string; merge: string } {
  const cond = measureCondition(m, i, params);
  const count = { state: `countIfState(${cond}) AS c${i}`, merge: `countIfMerge(c${i}) OVER w AS n${i}` };
  if (m.aggregation === 'count') return count;
  const sql = STATE_SQL[m.aggregation];
  const state = sql.state.replace('{cond}', cond).replace('{key}', `dims[{m${i}d:String}]`);
  return {
    state: `${count.state}, ${state} AS s${i}`,
    merge: `${count.merge}, ${sql.merge.replace('{s}', `s${i}`)} OVER w AS v${i}`,
  };
}

function measureValue(m: Measure, n: number, v: number | null | undefined, spanMs: number): number | null {
  if (n === 0) return null;
  if (m.aggregation === 'count') return n;
  if (v === null || v === undefined) return null;
  return m.aggregation === 'rate' ? Number(v) / (spanMs / 1000) : Number(v);
}

/**
 * The KPI as the wall would have shown it at each step, for every formula:
 * - rolling windows: each point is the aggregation over the window ending there; buckets
 *   are the smaller of step and window, and a window frame merges each window's buckets;
 * - calendar windows: each point is cumulative from the start of its period in the KPI's
 *   zone (a frame partitioned by the period start, unbounded preceding);
 * - filters and distinct dimensions become -If conditions on bound parameters whose
 *   names are generated (m0k0, m0v0, …), never taken from the input;
 * - a ratio merges both measures' states over the same frame and divides in
 *   `combineMeasures`, the function the live evaluator uses.
 */
export async function querySeries(client: ClickHouseClient, kpi: KpiDefinition, range: SeriesRange): Promise<SeriesPoint[]> {
  const calendar = isCalendarWindow(kpi.window) ? kpi.window : null;
  const windowMs = rollingWindowMs(kpi) ?? 0;
  const bucketMs = calendar ? gcd(range.stepMs, CALENDAR_BUCKET_GRAIN_MS) : Math.min(range.stepMs, windowMs);
  const params: Record<string, unknown> = {};
  const measures = kpiMeasures(kpi);
  const columns = measures.map((m, i) => measureColumns(m, i, params));
  const metrics = [...new Set(measures.map((m) => m.metric))];
  // Windows reach back before `from`, so the first points are whole windows (or periods) too.
  const scanFromMs = calendar
    ? Math.floor(calendarSpan(calendar, kpi.timezone, range.fromMs).startMs / bucketMs) * bucketMs
    : range.fromMs - windowMs;
  const frame = calendar
    ? 'PARTITION BY ps ORDER BY b ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'
    : 'ORDER BY b ASC ROWS BETWEEN {preceding:UInt64} PRECEDING AND CURRENT ROW';
  const outputs = measures.flatMap((m, i) => (m.aggregation === 'count' ? [`n${i}`] : [`n${i}`, `v${i}`]));
  const query = `
    SELECT b, ps, ${outputs.join(', ')} FROM (
      SELECT b, ps, ${columns.map((c) => c.merge).join(', ')}
      FROM (
        SELECT *, ${calendar ? PERIOD_START_SQL[calendar] : '0'} AS ps FROM (
          SELECT intDiv(toUnixTimestamp64Milli(ts), {bucket:UInt64}) AS b, ${columns.map((c) => c.state).join(', ')}
          FROM events
          WHERE metric IN ({metrics:Array(String)})
            AND ts >= fromUnixTimestamp64Milli({scanFrom:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
          GROUP BY b
          ORDER BY b WITH FILL FROM intDiv({scanFrom:Int64}, {bucket:UInt64}) TO intDiv({to:Int64}, {bucket:UInt64}) + 1
        )
      )
      WINDOW w AS (${frame})
    )
    WHERE (b + 1) * {bucket:UInt64} > {from:Int64} AND (b + 1) * {bucket:UInt64} <= {to:Int64} AND ((b + 1) * {bucket:UInt64}) % {step:UInt64} = 0
    ORDER BY b`;
  const result = await client.query({
    query,
    format: 'JSONEachRow',
    query_params: {
      ...params,
      metrics,
      tz: kpi.timezone,
      bucket: bucketMs,
      scanFrom: scanFromMs,
      from: range.fromMs,
      to: range.toMs,
      step: range.stepMs,
      preceding: Math.max(1, Math.round(windowMs / bucketMs)) - 1,
    },
  });
  const rows = await result.json<Record<string, string | number | null>>();
  return rows.map((r) => {
    const end = (Number(r.b) + 1) * bucketMs;
    const spanMs = calendar ? end - Number(r.ps) : windowMs;
    const values = measures.map((m, i) => measureValue(m, Number(r[`n${i}`]), r[`v${i}`] as number | null | undefined, spanMs));
    return [end, combineMeasures(kpi, values)] as SeriesPoint;
  });
}
