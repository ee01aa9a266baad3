import type { ClickHouseClient } from '@clickhouse/client';
import { combineMeasures, kpiMeasures, ZERO_WHEN_EMPTY, type BreakdownGroup, type KpiDefinition, type Measure } from '@northstar/shared';
import { measureSql, measureValue, type MeasureSql } from './measure-sql.ts';
import { historyReadsFor, type HistoryReads } from './read-paths.ts';
import { DAY_MS, ROLLUP_GRAIN_MS, ROLLUP_QUANTILE_LEVELS, ROLLUP_TABLES, type SeriesSource } from './rollups.ts';
import type { SeriesCache } from './series-cache.ts';

export interface BreakdownRange {
  fromMs: number;
  toMs: number;
  dim: string;
  top: number;
}

export interface Segment {
  source: SeriesSource;
  fromMs: number;
  toMs: number;
}

const LEVELS: Array<Exclude<SeriesSource, 'events'>> = ['day', 'hour', 'minute'];

/**
 * Splits [from, to) into pieces each read from the coarsest table that covers it whole:
 * whole UTC days from the day rollup, the hours around them from the hour rollup, and so
 * on down to raw events for the sub-minute edges. A 24-hour range not on the hour is 23
 * hour rows per dims combination plus two edges of at most an hour of raw events.
 */
export function rangeSegments(fromMs: number, toMs: number, levels = LEVELS): Segment[] {
  if (fromMs >= toMs) return [];
  const [level, ...finer] = levels;
  if (!level) return [{ source: 'events', fromMs, toMs }];
  const grain = ROLLUP_GRAIN_MS[level];
  const midFrom = Math.ceil(fromMs / grain) * grain;
  const midTo = Math.floor(toMs / grain) * grain;
  if (midTo <= midFrom) return rangeSegments(fromMs, toMs, finer);
  return [...rangeSegments(fromMs, midFrom, finer), { source: level, fromMs: midFrom, toMs: midTo }, ...rangeSegments(midTo, toMs, finer)];
}

const Q_LEVELS = ROLLUP_QUANTILE_LEVELS.join(', ');

/** Rows shaped like the rollup tables from every segment: raw edges are aggregated on the fly. */
export function unionSql(segments: Segment[], params: Record<string, unknown>): string {
  return segments
    .map((s, i) => {
      params[`sf${i}`] = s.fromMs;
      params[`st${i}`] = s.toMs;
      if (s.source === 'events') {
        return `SELECT metric, dims, count() AS n, sum(value) AS total, min(value) AS lo, max(value) AS hi,
                       quantilesState(${Q_LEVELS})(value) AS q
                FROM events
                WHERE metric IN ({metrics:Array(String)})
                  AND ts >= fromUnixTimestamp64Milli({sf${i}:Int64}) AND ts < fromUnixTimestamp64Milli({st${i}:Int64})
                GROUP BY metric, dims`;
      }
      return `SELECT metric, dims, toUInt64(n) AS n, toFloat64(total) AS total, toFloat64(lo) AS lo, toFloat64(hi) AS hi, q
              FROM ${ROLLUP_TABLES[s.source]}
              WHERE metric IN ({metrics:Array(String)})
                AND bucket >= toDateTime(intDiv({sf${i}:Int64}, 1000), 'UTC') AND bucket < toDateTime(intDiv({st${i}:Int64}, 1000), 'UTC')`;
    })
    .join('\nUNION ALL\n');
}

/** The measure's value in SQL, as measureValue computes it, so groups can be ranked in the query. */
function measureValueSql(m: Measure, sql: MeasureSql, i: number): string {
  if (m.aggregation === 'count') return `if(n${i} = 0, NULL, toFloat64(n${i}))`;
  const v = sql.perCount ? `v${i} / n${i}` : `v${i}`;
  return `if(n${i} = 0, NULL, toFloat64(${v})${m.aggregation === 'rate' ? ' / {spanSeconds:Float64}' : ''})`;
}

function kpiValueSql(kpi: KpiDefinition, measures: Measure[], sqls: MeasureSql[]): string {
  const values = measures.map((m, i) => measureValueSql(m, sqls[i] as MeasureSql, i));
  if (!kpi.ratio) return values[0] as string;
  const num = ZERO_WHEN_EMPTY.has(kpi.ratio.numerator.aggregation) ? `coalesce(${values[0]}, 0)` : (values[0] as string);
  return `if(isNull(${values[1]}) OR ${values[1]} = 0, NULL, ${num} / ${values[1]} * {scale:Float64})`;
}

type Row = Record<string, string | number | null>;

/**
 * The KPI's aggregation over [from, to) for each value of one dimension: the top N by
 * value (largest first), and "other": the same aggregation over every event outside the
 * top groups, including events without the dimension. For additive aggregations (sum,
 * count, rate) other is the total minus the top groups; for the others (avg, min, max,
 * percentiles, distinct counts, ratios) it is that aggregation over the rest, not a
 * difference. The KPI's window does not apply: a breakdown covers the whole range.
 */
export async function queryBreakdown(
  client: ClickHouseClient,
  kpi: KpiDefinition,
  range: BreakdownRange,
): Promise<{ groups: BreakdownGroup[]; other: number | null }> {
  const measures = kpiMeasures(kpi);
  const params: Record<string, unknown> = {};
  const segments = rangeSegments(range.fromMs, range.toMs);
  // the union mixes raw and rollup rows; both have the rollup tables' columns
  const sqls = measures.map((m, i) => measureSql(m, i, 'minute', params));
  const finals = sqls.map((s, i) => {
    const n = `finalizeAggregation(${s.countState}) AS n${i}`;
    return s.valueState ? `${n}, ${s.value(`finalizeAggregation(${s.valueState})`)} AS v${i}` : n;
  });
  const spanMs = range.toMs - range.fromMs;
  Object.assign(params, {
    metrics: [...new Set(measures.map((m) => m.metric))],
    dim: range.dim,
    top: range.top,
    spanSeconds: spanMs / 1000,
    scale: kpi.ratio?.scale ?? 1,
  });
  const from = `FROM (${unionSql(segments, params)})`;
  const toValue = (r: Row | undefined) =>
    r
      ? combineMeasures(
          kpi,
          measures.map((m, i) => measureValue(m, Number(r[`n${i}`]), r[`v${i}`] as number | null, spanMs, sqls[i]?.perCount ?? false)),
        )
      : null;
  const topSql = `SELECT dims[{dim:String}] AS g, ${finals.join(', ')}, ${kpiValueSql(kpi, measures, sqls)} AS val
            ${from}
            WHERE mapContains(dims, {dim:String})
            GROUP BY g
            ORDER BY val DESC NULLS LAST, g ASC
            LIMIT {top:UInt32}`;
  const restSql = `SELECT ${finals.join(', ')}
            ${from}
            WHERE NOT (mapContains(dims, {dim:String}) AND dims[{dim:String}] IN ({tops:Array(String)}))`;
  const reads = historyReadsFor(client);
  const read = async () => {
    const top = await reads.rows<Row>(topSql, params);
    const rest = await reads.rows<Row>(restSql, { ...params, tops: top.map((r) => String(r.g)) });
    return { top, rest };
  };
  const { top, rest } = cacheableBreakdown(reads, range)
    ? await cachedBreakdown(reads.cache!, [topSql, restSql], params, range, read)
    : await read();
  const groups = top.map((r) => ({ value: String(r.g), total: toValue(r) }));
  return { groups, other: toValue(rest[0]) };
}

/**
 * A breakdown ending now is not asked for again (the next one ends later: another key), so
 * only one whose range ended a while ago is kept (a past day, week, or period compared).
 */
const BREAKDOWN_ENDED_MS = 5 * 60_000;

/**
 * A breakdown is kept only once its range has ended, and not near a table's TTL (raw
 * events keep the shortest: the edges are read from them).
 */
function cacheableBreakdown(reads: HistoryReads, range: BreakdownRange): boolean {
  if (!reads.cache?.enabled || range.toMs > Date.now() - BREAKDOWN_ENDED_MS) return false;
  const kept = [
    reads.retention?.rawDays ?? 0,
    reads.retention?.minuteDays ?? 0,
    reads.retention?.hourDays ?? 0,
    reads.retention?.dayDays ?? 0,
  ]
    .filter((d) => d > 0)
    .map((d) => Date.now() - (d - 1) * DAY_MS);
  return kept.every((oldest) => range.fromMs >= oldest);
}

/** The breakdown's rows from the cache, as one point at the range's end (series-cache.ts), or from the store and kept. */
async function cachedBreakdown(
  cache: SeriesCache,
  statements: string[],
  params: Readonly<Record<string, unknown>>,
  range: BreakdownRange,
  read: () => Promise<{ top: Row[]; rest: Row[] }>,
): Promise<{ top: Row[]; rest: Row[] }> {
  const key = JSON.stringify(['breakdown', statements, Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  const since = cache.begin();
  const held = cache.lookup(key, range.toMs - 1, range.toMs)?.rows[0];
  if (held) return held.row as { top: Row[]; rest: Row[] };
  const answer = await read();
  const bytes = 2 * JSON.stringify(answer).length;
  cache.store(key, params.metrics as string[], range.toMs - 1, range.toMs, [{ e: range.toMs, row: answer, bytes }], since);
  return answer;
}
