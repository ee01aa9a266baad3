import type { Logger } from 'pino';

/** kafkajs marks errors a later attempt can get past (a leader being elected, a coordinator moving). */
export function isRetriable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { retriable?: unknown; originalError?: unknown; cause?: unknown };
  return e.retriable === true || isRetriable(e.originalError) || isRetriable(e.cause);
}

export interface StartRetryOptions {
  /** What is starting, for the log line. */
  what: string;
  log: Pick<Logger, 'warn'>;
  /** Give up (throw the last error) once this long has passed. */
  timeoutMs: number;
  retryMs: number;
  /** Undoes a failed attempt (disconnect, a fresh consumer) before the next one. */
  reset: () => Promise<void>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs a Kafka start step until it succeeds. A topic just created (here or by another
 * instance) can answer "not the leader" or "does not host this topic-partition" for a while
 * after it is listed, and kafkajs gives up after its own retries: start again rather than stop
 * the server. Errors another attempt cannot change are thrown at once.
 */
export async function startWithRetry(step: () => Promise<void>, opts: StartRetryOptions): Promise<void> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    try {
      await step();
      return;
    } catch (err) {
      await opts.reset();
      if (!isRetriable(err) || now() >= deadline) throw err;
      opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, `${opts.what} not started yet; trying again`);
      await sleep(opts.retryMs);
    }
  }
}
