import type { ClickHouseClient } from '@clickhouse/client';
import type { KpiDefinition, Measure, SeriesPoint } from '@northstar/shared';
import { measureCondition } from './measure-sql.ts';
import { querySeries, type SeriesRange } from './series-query.ts';

/** One measure's aggregates in one slot (or the whole range), as the engine returns them. */
export interface MeasureStatsRow {
  slot?: string | number;
  n: string | number;
  s: number;
  lo: number;
  hi: number;
  sample: number[];
  uniq: string[];
  last: string | number;
}

/**
 * The reads that rebuild and refresh live windows (evaluate/window-reads.ts declares what
 * it needs): per-slot aggregates of one measure, the history series, an exact distinct count.
 */
export function windowReads(client: ClickHouseClient) {
  return {
    /**
     * Per-slot (or, with slotMs 0, whole-range) aggregates of one measure's matching events
     * in [fromMs, toMs]: the same conditions (filters, distinct dimension) as the history
     * query. Distinct values come back capped per slot at `distinctMax`, so a rebuilt window
     * holds what a live one would have held; with `samples` > 0, values are sampled.
     */
    async measureStats(
      m: Measure,
      q: { fromMs: number; toMs: number; slotMs: number; samples: number; distinctMax: number; receivedBefore?: number },
    ) {
      const { fromMs, toMs, slotMs, samples, distinctMax, receivedBefore } = q;
      const params: Record<string, unknown> = {
        from: fromMs,
        to: toMs,
        slot: slotMs,
        samples,
        distinctMax,
        receivedBefore: receivedBefore ?? 0,
      };
      const cond = measureCondition(m, 0, params);
      const distinct =
        m.aggregation === 'distinct_count' ? `groupUniqArray({distinctMax:UInt32})(dims[{m0d:String}])` : 'emptyArrayString()';
      const sample = samples > 0 ? 'groupArraySample({samples:UInt32}, 1)(value)' : 'emptyArrayFloat64()';
      const result = await client.query({
        query: `SELECT ${slotMs > 0 ? 'intDiv(toUnixTimestamp64Milli(ts), {slot:UInt64}) AS slot,' : ''}
                       count() AS n, sum(value) AS s, min(value) AS lo, max(value) AS hi,
                       ${sample} AS sample, ${distinct} AS uniq, max(toUnixTimestamp64Milli(ts)) AS last
                FROM events
                WHERE ${cond} AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
                ${receivedBefore === undefined ? '' : 'AND received_at < fromUnixTimestamp64Milli({receivedBefore:Int64})'}
                ${slotMs > 0 ? 'GROUP BY slot ORDER BY slot' : 'HAVING n > 0'}`,
        query_params: params,
        format: 'JSONEachRow',
      });
      return result.json<MeasureStatsRow>();
    },

    series(kpi: KpiDefinition, range: SeriesRange): Promise<SeriesPoint[]> {
      return querySeries(client, kpi, range);
    },

    async distinctCount(m: Measure, fromMs: number, toMs: number): Promise<number> {
      const params: Record<string, unknown> = { from: fromMs, to: toMs, key: m.distinctBy };
      const result = await client.query({
        query: `SELECT uniqExact(dims[{key:String}]) AS n FROM events
                WHERE ${measureCondition(m, 0, params)}
                  AND ts > fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})`,
        query_params: params,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ n: string | number }>();
      return Number(row?.n ?? 0);
    },
  };
}
