import type { Logger } from 'pino';
import type { KpiEvaluator } from './evaluator.ts';
import { StoreRefresh } from './store-refresh.ts';
import type { WindowReads } from './window-reads.ts';

export interface DistinctRefreshDeps {
  evaluator: Pick<KpiEvaluator, 'cappedDistinctKpis' | 'storeDistinct'>;
  reads: Pick<WindowReads, 'distinctCount'>;
  drain: () => Promise<void>;
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
    const { evaluator, reads, log } = this.#deps;
    const toMs = Date.now();
    try {
      evaluator.storeDistinct(kpi.id, window, await reads.distinctCount(measure, toMs - windowMs, toMs), toMs);
    } catch (err) {
      log.warn({ err: (err as Error).message, kpi: kpi.id }, 'could not count distinct values in the store; the tile shows a lower bound');
    }
  }
}
