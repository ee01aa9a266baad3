import type { ClickHouseClient } from '@clickhouse/client';
import { DateTime } from 'luxon';
import {
  calendarSpan,
  isCalendarWindow,
  kpiMeasures,
  rollingWindowMs,
  type CalendarWindow,
  type KpiDefinition,
  type SeriesPoint,
  combineMeasures,
} from '@northstar/shared';
import { measureSql, measureValue } from './measure-sql.ts';
import { historyReadsFor, type HistoryReads } from './read-paths.ts';
import type { Retention } from './retention.ts';
import type { SeriesCache } from './series-cache.ts';
import { DAY_MS, planBuckets, ROLLUP_TABLES, zoneGrain, type BucketPlan, type SeriesSource } from './rollups.ts';

export { measureCondition } from './measure-sql.ts';

/**
 * The start of the calendar period holding `{t}` (a DateTime in the bound zone), in epoch ms.
 * ClickHouse takes the zone as a bound parameter ({tz:String}); the KPI schema has
 * already checked it is an IANA zone.
 */
const PERIOD_START_SQL: Record<CalendarWindow, string> = {
  today: 'toUnixTimestamp(toStartOfDay({t})) * 1000',
  week_to_date: 'toUnixTimestamp(toDateTime(toStartOfWeek({t}, 1), {tz:String})) * 1000',
  month_to_date: 'toUnixTimestamp(toDateTime(toStartOfMonth({t}), {tz:String})) * 1000',
  quarter_to_date: 'toUnixTimestamp(toDateTime(toStartOfQuarter({t}), {tz:String})) * 1000',
};

export interface SeriesRange {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/** Per source: the table, a row's time in epoch ms, its local day number, the scanned range. */
function sourceSql(source: SeriesSource) {
  if (source === 'events') {
    return {
      table: 'events',
      ms: 'toUnixTimestamp64Milli(ts)',
      day: 'toRelativeDayNum(toDate(ts, {tz:String}))',
      range: 'ts >= fromUnixTimestamp64Milli({scanFrom:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})',
    };
  }
  return {
    table: ROLLUP_TABLES[source],
    ms: '(toInt64(toUnixTimestamp(bucket)) * 1000)',
    day: 'toRelativeDayNum(toDate(bucket, {tz:String}))',
    // buckets are whole source grains; a bucket reaching past `to` only feeds points after `to`
    range:
      "bucket >= toDateTime(intDiv({scanFrom:Int64} + 999, 1000), 'UTC') AND bucket < toDateTime(intDiv({to:Int64} + 999, 1000), 'UTC')",
  };
}

/** The local calendar day (days since 1970-01-01) holding `ms` in `zone`. */
export function localDayNumber(ms: number, zone: string): number {
  const d = DateTime.fromMillis(ms, { zone });
  return Math.round(Date.UTC(d.year, d.month - 1, d.day) / DAY_MS);
}

function startOfLocalDay(ms: number, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).startOf('day').toMillis();
}

function minusLocalDays(ms: number, days: number, zone: string): number {
  return DateTime.fromMillis(ms, { zone }).minus({ days }).toMillis();
}

/** SQL for bucket `b`: its start as a DateTime in the zone, its end in epoch ms, which ends are points. */
function bucketSql(plan: BucketPlan) {
  if (plan.mode === 'day') {
    return {
      start: "toDateTime(toDate('1970-01-01') + b, {tz:String})",
      end: "toInt64(toUnixTimestamp(toDateTime(toDate('1970-01-01') + (b + 1), {tz:String}))) * 1000",
      point: '(b + 1) % {stepDays:UInt64} = 0',
      fill: 'FROM {dayFrom:Int64} TO {dayTo:Int64} + 1',
    };
  }
  return {
    start: 'toDateTime(intDiv(b * {bucket:UInt64}, 1000), {tz:String})',
    end: 'toInt64((b + 1) * {bucket:UInt64})',
    point: 'e % {step:UInt64} = 0',
    fill: 'FROM intDiv({scanFrom:Int64}, {bucket:UInt64}) TO intDiv({to:Int64}, {bucket:UInt64}) + 1',
  };
}

export interface SeriesQueryOptions {
  /** Force a source (tests compare rollups with raw events); default: the plan's. */
  source?: SeriesSource;
}

/** The bucket plan querySeries uses for this KPI and step. */
export function seriesPlan(kpi: KpiDefinition, stepMs: number): BucketPlan {
  return planBuckets(stepMs, rollingWindowMs(kpi) ?? 0, zoneGrain(kpi.timezone));
}

/**
 * The KPI as the wall would have shown it at each step, for every formula:
 * - rolling windows: each point is the aggregation over the window ending there; buckets
 *   are gcd(step, window), and a window frame merges each window's buckets;
 * - calendar windows: each point is cumulative from the start of its period in the KPI's
 *   zone (a frame partitioned by the period start, unbounded preceding);
 * - whole-day steps (with whole-day windows) count the KPI's local days, DST included;
 * - buckets are read from the coarsest rollup that divides them (see planBuckets), raw
 *   events only for buckets finer than a minute;
 * - filters and distinct dimensions become -If conditions on bound parameters whose
 *   names are generated (m0k0, m0v0, …), never taken from the input;
 * - a ratio merges both measures' states over the same frame and divides in
 *   `combineMeasures`, the function the live evaluator uses.
 */
export async function querySeries(
  client: ClickHouseClient,
  kpi: KpiDefinition,
  range: SeriesRange,
  options: SeriesQueryOptions = {},
): Promise<SeriesPoint[]> {
  const reads = historyReadsFor(client);
  const statement = seriesStatement(kpi, range, options);
  const cache = reads.cache;
  // a forced source is a test's contrast, never a chart: straight to the store
  const rows =
    cache?.enabled && !options.source && !nearRetention(statement, reads.retention)
      ? await cachedRows(cache, reads, statement, kpi, range)
      : await reads.rows<Row>(statement.query, statement.params);
  return rows.map(statement.point);
}

type Row = Record<string, string | number | null>;

/** The parameters that carry the range; every other one is part of the cache key. */
const RANGE_PARAMS = new Set(['scanFrom', 'from', 'to', 'dayFrom', 'dayTo']);

/** The cache's key for a statement: its SQL and every parameter but the range's. */
export function seriesCacheKey(statement: { query: string; params: Readonly<Record<string, unknown>> }): string {
  const fixed = Object.entries(statement.params)
    .filter(([k]) => !RANGE_PARAMS.has(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([statement.query, fixed]);
}

/**
 * A table's TTL drops rows at its merges, at a time this process does not see: a query
 * reaching within a day of the oldest rows kept goes to the store every time.
 */
function nearRetention(statement: SeriesStatement, retention: Retention | undefined): boolean {
  if (!retention) return false;
  const days = RETENTION_DAYS[statement.source](retention);
  return days > 0 && statement.scanFromMs < Date.now() - (days - 1) * DAY_MS;
}

const RETENTION_DAYS: Record<SeriesSource, (r: Retention) => number> = {
  events: (r) => r.rawDays,
  minute: (r) => r.minuteDays,
  hour: (r) => r.hourDays,
  day: (r) => r.dayDays,
};

/**
 * The rows of (from, to]: the points the cache holds, and the store's answer for the rest
 * (the points after the cached ones, or the whole range). A point's row does not depend on
 * the range it was queried in: the scan reaches back a whole window (or period) before
 * `from` (tests/series-cache.integration.test.ts compares split and whole ranges).
 */
async function cachedRows(
  cache: SeriesCache,
  reads: HistoryReads,
  statement: SeriesStatement,
  kpi: KpiDefinition,
  range: SeriesRange,
): Promise<Row[]> {
  const key = seriesCacheKey(statement);
  const since = cache.begin();
  const held = cache.lookup(key, range.fromMs, range.toMs, statement.pointsIn);
  const fromMs = held ? held.missingFrom : range.fromMs;
  if (held && fromMs >= range.toMs) return held.rows.map((r) => r.row as Row);
  const rest = held ? seriesStatement(kpi, { ...range, fromMs }, {}) : statement;
  const fresh = await reads.rows<Row>(rest.query, rest.params);
  cache.store(
    key,
    statement.metrics,
    fromMs,
    range.toMs,
    fresh.map((row) => ({ e: Number(row.e), row })),
    since,
  );
  return held ? [...held.rows.map((r) => r.row as Row), ...fresh] : fresh;
}

interface SeriesStatement {
  query: string;
  params: Record<string, unknown>;
  metrics: string[];
  source: SeriesSource;
  scanFromMs: number;
  /**
   * Whether (from, to] may hold a point. A chart's range ends now, so each repeat's range
   * ends a little later: until the next step's point has ended there is nothing to ask.
   */
  pointsIn: (fromMs: number, toMs: number) => boolean;
  /** A row of the answer as the point it stands for. */
  point: (r: Row) => SeriesPoint;
}

/** The SQL and parameters of a series over `range`, and how its rows become points. */
function seriesStatement(kpi: KpiDefinition, range: SeriesRange, options: SeriesQueryOptions): SeriesStatement {
  const calendar = isCalendarWindow(kpi.window) ? kpi.window : null;
  const windowMs = rollingWindowMs(kpi) ?? 0;
  const planned = seriesPlan(kpi, range.stepMs);
  const plan = options.source ? { ...planned, source: options.source } : planned;
  const src = sourceSql(plan.source);
  const buckets = bucketSql(plan);
  const params: Record<string, unknown> = {};
  const measures = kpiMeasures(kpi);
  const columns = measures.map((m, i) => measureSql(m, i, plan.source, params));
  const metrics = [...new Set(measures.map((m) => m.metric))];
  // Windows reach back before `from`, so the first points are whole windows (or periods) too.
  const dayMode = plan.mode === 'day';
  const windowDays = Math.round(windowMs / DAY_MS);
  let scanFromMs = calendar ? calendarSpan(calendar, kpi.timezone, range.fromMs).startMs : range.fromMs - windowMs;
  if (dayMode && !calendar) scanFromMs = minusLocalDays(startOfLocalDay(range.fromMs, kpi.timezone), windowDays, kpi.timezone);
  if (!dayMode) scanFromMs = Math.floor(scanFromMs / plan.bucketMs) * plan.bucketMs;
  const frame = calendar
    ? 'PARTITION BY ps ORDER BY b ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW'
    : 'ORDER BY b ASC ROWS BETWEEN {preceding:UInt64} PRECEDING AND CURRENT ROW';
  const merges = columns.map((c, i) => {
    const n = `${c.countMerge} OVER w AS n${i}`;
    return c.valueMerge ? `${n}, ${c.value(`${c.valueMerge} OVER w`)} AS v${i}` : n;
  });
  const outputs = measures.flatMap((m, i) => (m.aggregation === 'count' ? [`n${i}`] : [`n${i}`, `v${i}`]));
  const b = dayMode ? src.day : `intDiv(${src.ms}, {bucket:UInt64})`;
  const bucketRows = `
          SELECT ${b} AS b, ${columns.map((c) => c.states).join(', ')}
          FROM ${src.table}
          WHERE metric IN ({metrics:Array(String)}) AND ${src.range}
          GROUP BY b
          ORDER BY b WITH FILL ${buckets.fill}`;
  // the period start is computed after the fill, so filled buckets have one too
  const periods = calendar
    ? `SELECT *, ${PERIOD_START_SQL[calendar].replaceAll('{t}', buckets.start)} AS ps FROM (${bucketRows})`
    : bucketRows;
  const query = `
    SELECT e, ps, ${outputs.join(', ')} FROM (
      SELECT b, ${buckets.end} AS e, ${calendar ? 'ps' : '0 AS ps'}, ${merges.join(', ')}
      FROM (${periods})
      WINDOW w AS (${frame})
    )
    WHERE e > {from:Int64} AND e <= {to:Int64} AND ${buckets.point}
    ORDER BY e`;
  const unit = dayMode ? DAY_MS : plan.bucketMs;
  const queryParams = {
    ...params,
    metrics,
    tz: kpi.timezone,
    bucket: plan.bucketMs,
    scanFrom: scanFromMs,
    from: range.fromMs,
    to: range.toMs,
    step: range.stepMs,
    stepDays: Math.max(1, Math.round(range.stepMs / DAY_MS)),
    dayFrom: localDayNumber(scanFromMs, kpi.timezone),
    dayTo: localDayNumber(range.toMs, kpi.timezone),
    preceding: Math.max(1, Math.round(windowMs / unit)) - 1,
  };
  const point = (r: Row): SeriesPoint => {
    const end = Number(r.e);
    // a window of local days spans 23 or 25 hours more or less across a DST change
    const spanMs = calendar ? end - Number(r.ps) : dayMode ? end - minusLocalDays(end, windowDays, kpi.timezone) : windowMs;
    const values = measures.map((m, i) =>
      measureValue(m, Number(r[`n${i}`]), r[`v${i}`] as number | null | undefined, spanMs, columns[i]?.perCount ?? false),
    );
    return [end, combineMeasures(kpi, values)] as SeriesPoint;
  };
  // fixed buckets: the points are the multiples of the step (`e % step = 0` above); local
  // days (DST) are the engine's to count, so the store is asked
  const pointsIn = (lo: number, hi: number) => dayMode || Math.floor(lo / range.stepMs) * range.stepMs + range.stepMs <= hi;
  return { query, params: queryParams, metrics, source: plan.source, scanFromMs, pointsIn, point };
}
