import type { Logger } from 'pino';
import type { Metrics } from '../observe/metrics.ts';

/** The alert records the engine writes without holding up the tick. */
export type AlertRecord = 'transition' | 'notification';

/**
 * The rejection handler for an alert record the engine does not wait for: the tick goes on
 * (the alert is live on the walls and in memory), but the lost write is counted on /metrics
 * and logged as an error, so a store that refuses history is seen rather than swallowed.
 */
export function reportStoreFailure(deps: { metrics: Metrics; log: Logger }, record: AlertRecord, key: string): (err: unknown) => void {
  return (err) => {
    deps.metrics.alertStoreFailures.inc({ record });
    deps.log.error({ err: err instanceof Error ? err.message : String(err), key, record }, `could not store an alert ${record}`);
  };
}
