import { setTimeout as delay } from 'node:timers/promises';
import type { NotifyResult } from './notifier.ts';

/**
 * POST with bounded retries, shared by the webhook and Slack notifiers.
 *
 * - Retried: network errors (including an attempt's timeout), 5xx and 429.
 * - Not retried: any other status below 200 or from 300 (a 4xx will not heal by
 *   itself; redirects are not followed, so a signed body never goes where it was not sent).
 * - Backoff: exponential with "equal jitter": a delay in [e/2, e] where
 *   e = baseDelayMs × 2^(n−1) after the n-th failure, then capped at maxDelayMs; so
 *   successive delays never shrink (e/2 of the next is e of this one; capped ones are
 *   equal) and two senders that failed together do not retry together.
 * - Retry-After (seconds or an HTTP date) on a 429/5xx is honoured: the delay is at least
 *   what it asks.
 * - Bounded: at most `maxAttempts`, and no retry that would start later than
 *   `maxTotalMs` after the first attempt; each attempt is cut at `attemptTimeoutMs`.
 */

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxTotalMs: number;
  attemptTimeoutMs: number;
}

/** Five tries over about half a minute: outlives a receiver's restart, not an outage (the next repeat covers that). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxTotalMs: 60_000,
  attemptTimeoutMs: 10_000,
};

/** Collaborators, injected so tests can use a fake clock, sleep or fetch. */
export interface HttpDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** In [0, 1). */
  random?: () => number;
  now?: () => number;
}

export interface PostRequest {
  url: string;
  body: string;
  /** Per attempt, so a timestamp header can say when this attempt was sent. */
  headers: (attempt: number) => Record<string, string>;
}

/** The delay after the `failures`-th failed attempt (1-based), before any Retry-After. */
export function backoffDelayMs(failures: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const ceiling = policy.baseDelayMs * 2 ** (failures - 1);
  return Math.min(policy.maxDelayMs, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

/** Retry-After as milliseconds from `nowMs`; null when absent or unreadable. */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

const MAX_ERROR_BODY_CHARS = 200;

async function readSnippet(res: Response): Promise<string> {
  try {
    const text = await res.text();
    return text.slice(0, MAX_ERROR_BODY_CHARS).trim();
  } catch {
    return '';
  }
}

/** One try's outcome, as the retry loop sees it. */
export type TryOutcome<T> =
  { kind: 'ok'; status: number; value: T } | { kind: 'retry' | 'refuse'; status?: number; error: string; retryAfterMs?: number | null };

export type RetriedResult<T> =
  { ok: true; attempts: number; status: number; value: T } | { ok: false; attempts: number; status?: number; error: string };

/**
 * The bounded retry loop (see the top of this file) around any one-try function: the webhook
 * POST below and Slack's Web API calls (slack-api-call.ts) differ only in what a try is and
 * which answers may heal. `giveUp` may end the loop on a retriable outcome (its text is the error).
 */
export async function withRetries<T>(
  tryOnce: (attempt: number, now: () => number) => Promise<TryOutcome<T>>,
  policy: RetryPolicy,
  deps: HttpDeps = {},
  giveUp?: (outcome: TryOutcome<T> & { kind: 'retry' }) => string | undefined,
): Promise<RetriedResult<T>> {
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    const a = await tryOnce(attempt, now);
    if (a.kind === 'ok') return { ok: true, attempts: attempt, status: a.status, value: a.value };
    const failed = (error: string): RetriedResult<T> => ({
      ok: false,
      attempts: attempt,
      ...(a.status !== undefined ? { status: a.status } : {}),
      error,
    });
    if (a.kind === 'refuse') return failed(a.error);
    const stop = giveUp?.({ ...a, kind: 'retry' });
    if (stop !== undefined) return failed(stop);
    if (attempt >= policy.maxAttempts) return failed(`gave up after ${attempt} attempts: ${a.error}`);
    const wait = Math.max(backoffDelayMs(attempt, policy, random), a.retryAfterMs ?? 0);
    if (now() + wait - started > policy.maxTotalMs)
      return failed(`gave up after ${attempt} attempts (next retry beyond ${policy.maxTotalMs} ms): ${a.error}`);
    await sleep(wait);
  }
}

export async function postWithRetry(
  req: PostRequest,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  deps: HttpDeps = {},
): Promise<NotifyResult> {
  const doFetch = deps.fetch ?? fetch;
  const result = await withRetries<undefined>(
    async (attempt, now) => {
      try {
        const res = await doFetch(req.url, {
          method: 'POST',
          headers: req.headers(attempt),
          body: req.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(policy.attemptTimeoutMs),
        });
        if (res.status >= 200 && res.status < 300) {
          await res.body?.cancel().catch(() => undefined);
          return { kind: 'ok', status: res.status, value: undefined };
        }
        const snippet = await readSnippet(res);
        const error = `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
        if (!isRetryableStatus(res.status)) return { kind: 'refuse', status: res.status, error };
        return { kind: 'retry', status: res.status, error, retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after'), now()) };
      } catch (err) {
        return { kind: 'retry', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
      }
    },
    policy,
    deps,
  );
  if (!result.ok) return result;
  return { ok: true, attempts: result.attempts, status: result.status };
}
