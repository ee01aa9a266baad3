import type { ClickHouseClient } from '@clickhouse/client';
import type { KpiEvaluator } from './evaluator.ts';

/** Values per slot used to re-seed a quantile sketch; the weight of each stands for the rest. */
const SAMPLES_PER_SLOT = 512;

/**
 * After a restart the rolling windows are rebuilt from what the store holds, so the
 * wall resumes with true values instead of ramping up from zero.
 */
export async function rebuildFromStore(client: ClickHouseClient, evaluator: KpiEvaluator, nowMs: number): Promise<void> {
  for (const kpi of evaluator.kpis) {
    const window = evaluator.windowOf(kpi.id);
    if (!window) continue;
    const fromMs = nowMs - 2 * window.windowMs - window.slotMs;
    const result = await client.query({
      query: `SELECT intDiv(toUnixTimestamp64Milli(ts), {slot:UInt64}) AS slot, count() AS n, sum(value) AS s, min(value) AS lo, max(value) AS hi,
                     groupArraySample({samples:UInt32}, 1)(value) AS sample, max(toUnixTimestamp64Milli(ts)) AS last
              FROM events
              WHERE metric = {metric:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
              GROUP BY slot ORDER BY slot`,
      query_params: { slot: window.slotMs, samples: SAMPLES_PER_SLOT, metric: kpi.metric, from: fromMs, to: nowMs },
      format: 'JSONEachRow',
    });
    const rows = await result.json<{
      slot: string | number;
      n: string | number;
      s: number;
      lo: number;
      hi: number;
      sample: number[];
      last: string | number;
    }>();
    for (const r of rows) {
      window.seed(Number(r.slot), { count: Number(r.n), sum: r.s, min: r.lo, max: r.hi }, r.sample);
      evaluator.noteLastEvent(kpi.metric, Number(r.last));
    }
  }
}
