import type { Logger } from 'pino';
import type { Metrics } from '../observe/metrics.ts';

/** Backoff while the store refuses a batch: quick at first, then every few seconds. */
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 5_000;

/** The batch a step works for, while kafkajs still gives it to this instance. */
export interface BatchLease {
  /** False once stopping or rebalanced: the batch is no longer ours. */
  live: () => boolean;
  heartbeat: () => Promise<void>;
}

/**
 * Runs one step of a batch until it succeeds (its result) or the batch is no longer ours
 * (undefined), backing off between tries; a store step's failures are counted and shown as
 * the consumer waiting for the store.
 */
export async function untilDone<T>(
  step: 'store' | 'partials',
  lease: BatchLease,
  deps: { metrics: Metrics; log: Logger },
  action: () => Promise<T>,
): Promise<T | undefined> {
  const { metrics, log } = deps;
  let delay = RETRY_FIRST_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await action();
      if (attempt > 1) {
        if (step === 'store') metrics.kafkaWaitingForStore.set(0);
        log.info({ step, attempts: attempt }, `${step} accepts writes again; consumption resumed`);
      }
      return result;
    } catch (err) {
      if (step === 'store') {
        metrics.writeFailures.inc({ source: 'kafka' });
        metrics.kafkaWaitingForStore.set(1);
      }
      // the first failure and then one in ten: an outage of minutes must not flood the log
      if (attempt === 1 || attempt % 10 === 0) {
        log.warn(
          { step, attempt, retryInMs: delay, err: (err as Error).message },
          step === 'store'
            ? 'store refused the batch; consumption paused, retrying'
            : 'could not publish the partials of a batch; retrying',
        );
      }
    }
    if (!lease.live()) return undefined;
    await new Promise((r) => setTimeout(r, delay));
    if (!lease.live()) return undefined;
    await lease.heartbeat();
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }
}
