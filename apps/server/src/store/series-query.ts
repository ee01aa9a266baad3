import type { ClickHouseClient } from '@clickhouse/client';
import type { Aggregation, ResolvedKpi, SeriesPoint } from '@northstar/shared';

/** The aggregate-state function and its merge for each aggregation; names only, never user text. */
const STATE_SQL: Record<Aggregation, { state: string; merge: string }> = {
  sum: { state: 'sumState(value)', merge: 'sumMerge(s)' },
  rate: { state: 'sumState(value)', merge: 'sumMerge(s)' },
  count: { state: 'countState()', merge: 'countMerge(s)' },
  avg: { state: 'avgState(value)', merge: 'avgMerge(s)' },
  min: { state: 'minState(value)', merge: 'minMerge(s)' },
  max: { state: 'maxState(value)', merge: 'maxMerge(s)' },
  p50: { state: 'quantileState(0.5)(value)', merge: 'quantileMerge(0.5)(s)' },
  p90: { state: 'quantileState(0.9)(value)', merge: 'quantileMerge(0.9)(s)' },
  p95: { state: 'quantileState(0.95)(value)', merge: 'quantileMerge(0.95)(s)' },
  p99: { state: 'quantileState(0.99)(value)', merge: 'quantileMerge(0.99)(s)' },
};

export interface SeriesRange {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/**
 * The KPI as the wall would have shown it at each step: every point is the KPI's
 * aggregation over its rolling window ending at that point. Buckets are the smaller
 * of step and window; a window function merges the bucket states of each window.
 */
export async function querySeries(client: ClickHouseClient, kpi: ResolvedKpi, range: SeriesRange): Promise<SeriesPoint[]> {
  const bucketMs = Math.min(range.stepMs, kpi.windowMs);
  const bucketsPerWindow = Math.max(1, Math.round(kpi.windowMs / bucketMs));
  const sql = STATE_SQL[kpi.aggregation];
  // Windows reach back before `from`, so the first points are full windows too.
  const scanFromMs = range.fromMs - kpi.windowMs;
  const query = `
    SELECT b, n, v FROM (
      SELECT b,
        countMerge(c) OVER w AS n,
        ${sql.merge} OVER w AS v
      FROM (
        SELECT intDiv(toUnixTimestamp64Milli(ts), {bucket:UInt64}) AS b, countState() AS c, ${sql.state} AS s
        FROM events
        WHERE metric = {metric:String}
          AND ts >= fromUnixTimestamp64Milli({scanFrom:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
        GROUP BY b
        ORDER BY b WITH FILL FROM intDiv({scanFrom:Int64}, {bucket:UInt64}) TO intDiv({to:Int64}, {bucket:UInt64}) + 1
      )
      WINDOW w AS (ORDER BY b ASC ROWS BETWEEN {preceding:UInt64} PRECEDING AND CURRENT ROW)
    )
    WHERE (b + 1) * {bucket:UInt64} > {from:Int64} AND (b + 1) * {bucket:UInt64} <= {to:Int64} AND ((b + 1) * {bucket:UInt64}) % {step:UInt64} = 0
    ORDER BY b`;
  const result = await client.query({
    query,
    format: 'JSONEachRow',
    query_params: {
      metric: kpi.metric,
      bucket: bucketMs,
      scanFrom: scanFromMs,
      from: range.fromMs,
      to: range.toMs,
      step: range.stepMs,
      preceding: bucketsPerWindow - 1,
    },
  });
  const rows = await result.json<{ b: string | number; n: string | number; v: number | null }>();
  return rows.map((r) => {
    const end = (Number(r.b) + 1) * bucketMs;
    const n = Number(r.n);
    if (n === 0 || r.v === null) return [end, null] as SeriesPoint;
    const value = kpi.aggregation === 'rate' ? Number(r.v) / (kpi.windowMs / 1000) : Number(r.v);
    return [end, value] as SeriesPoint;
  });
}
