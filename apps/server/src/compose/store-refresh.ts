import type { Logger } from 'pino';
import { CURVE_REFRESH_INTERVAL_MS, CurveRefresh, type CurveRefreshDeps } from '../evaluate/curve-refresh.ts';
import { DISTINCT_REFRESH_INTERVAL_MS, DistinctRefresh, type DistinctRefreshDeps } from '../evaluate/distinct-refresh.ts';
import { every } from '../schedule/every.ts';

/** The periodic re-reads of live windows from the store (late sparkline points, exact distinct counts), each on its timer. */
export function startStoreRefresh(deps: Omit<CurveRefreshDeps & DistinctRefreshDeps, 'log'> & { log: Logger }): { stop(): void } {
  const curves = new CurveRefresh({ ...deps, log: deps.log.child({ component: 'curves' }) });
  const distincts = new DistinctRefresh({ ...deps, log: deps.log.child({ component: 'distinct' }) });
  const onError = (err: Error) => deps.log.warn({ err: err.message }, 'store refresh failed');
  const timers = [
    every(CURVE_REFRESH_INTERVAL_MS, () => curves.refresh(), onError),
    every(DISTINCT_REFRESH_INTERVAL_MS, () => distincts.refresh(), onError),
  ];
  return {
    stop: () => {
      for (const t of timers) t.stop();
      curves.stop();
      distincts.stop();
    },
  };
}
