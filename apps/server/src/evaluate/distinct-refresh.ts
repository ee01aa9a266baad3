import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { measureCondition } from '../store/measure-sql.ts';
import type { KpiEvaluator } from './evaluator.ts';
import { StoreRefresh, type StoreRefreshDeps } from './store-refresh.ts';

export interface DistinctRefreshDeps extends StoreRefreshDeps {
  evaluator: KpiEvaluator;
  clickhouse: ClickHouseClient;
  log: Logger;
}

type CappedDistinct = ReturnType<KpiEvaluator['cappedDistinctKpis']>[number];

/** How often a distinct count past its live memory bound is counted again by the store. */
export const DISTINCT_REFRESH_INTERVAL_MS = 5_000;

/**
 * A live distinct count keeps at most 10 000 values per slot of a rolling window (see
 * stats.ts); past that its value is a lower bound. The store counts exactly (uniqExact), so
 * for those KPIs this asks it every few seconds and hands the count to the evaluator, which
 * shows it while it is fresh (a tile showed 10 000 while the store held 100 000).
 */
export class DistinctRefresh extends StoreRefresh<CappedDistinct> {
  readonly #deps: DistinctRefreshDeps;

  constructor(deps: DistinctRefreshDeps) {
    super(deps);
    this.#deps = deps;
  }

  protected due(): CappedDistinct[] {
    return this.#deps.evaluator.cappedDistinctKpis();
  }

  protected async redo({ kpi, measure, windowMs, window }: CappedDistinct): Promise<void> {
    const { evaluator, clickhouse, log } = this.#deps;
    const toMs = Date.now();
    const params: Record<string, unknown> = { from: toMs - windowMs, to: toMs, key: measure.distinctBy };
    try {
      const result = await clickhouse.query({
        query: `SELECT uniqExact(dims[{key:String}]) AS n FROM events
                WHERE ${measureCondition(measure, 0, params)}
                  AND ts > fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})`,
        query_params: params,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ n: string | number }>();
      evaluator.storeDistinct(kpi.id, window, Number(row?.n ?? 0), toMs);
    } catch (err) {
      log.warn({ err: (err as Error).message, kpi: kpi.id }, 'could not count distinct values in the store; the tile shows a lower bound');
    }
  }
}
