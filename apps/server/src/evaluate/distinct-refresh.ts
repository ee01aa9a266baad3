import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { measureCondition } from '../store/measure-sql.ts';
import type { KpiEvaluator } from './evaluator.ts';
import type { IngestBarrier } from './live-rebuild.ts';

export interface DistinctRefreshDeps {
  evaluator: KpiEvaluator;
  clickhouse: ClickHouseClient;
  ingest: Pick<IngestBarrier, 'drain'>;
  log: Logger;
  intervalMs: number;
}

/** How often a distinct count past its live memory bound is counted again by the store. */
export const DISTINCT_REFRESH_INTERVAL_MS = 5_000;

/**
 * A live distinct count keeps at most 10 000 values per slot of a rolling window (see
 * stats.ts); past that its value is a lower bound. The store counts exactly (uniqExact), so
 * for those KPIs this asks it every few seconds and hands the count to the evaluator, which
 * shows it while it is fresh (a tile showed 10 000 while the store held 100 000).
 */
export class DistinctRefresh {
  readonly #deps: DistinctRefreshDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(deps: DistinctRefreshDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#timer = setInterval(() => void this.refresh(), this.#deps.intervalMs);
    this.#timer.unref();
  }

  /**
   * Stops the timer. A run in flight is not waited for (it may be waiting for ingest to
   * drain while the server shuts down); it stops before its next store query.
   */
  stop(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  /** Counts the capped distinct KPIs in the store (one run at a time). */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#running ??= this.#refresh().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #refresh(): Promise<void> {
    const { evaluator, clickhouse, ingest, log } = this.#deps;
    const capped = evaluator.cappedDistinctKpis();
    if (capped.length === 0) return;
    // events counted live before this point are stored once the writes holding them settle
    await ingest.drain();
    if (this.#closed) return;
    for (const { kpi, measure, windowMs, window } of capped) {
      if (this.#closed) return;
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
        log.warn(
          { err: (err as Error).message, kpi: kpi.id },
          'could not count distinct values in the store; the tile shows a lower bound',
        );
      }
    }
  }
}
