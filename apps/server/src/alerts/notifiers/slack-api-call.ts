import {
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfterMs,
  withRetries,
  type HttpDeps,
  type RetryPolicy,
  type TryOutcome,
} from './retry.ts';

/**
 * One call of Slack's Web API with bounded retries. Slack answers most refusals with HTTP 200
 * and `{ ok: false, error }`, so the body decides, not the status: `ok: false` is a refusal
 * with Slack's error code, retried only when Slack says it may heal (rate limits, its own
 * outages), honouring Retry-After; 429 and 5xx are retried as in retry.ts.
 */

/** Slack's error codes that a later try can get past; any other is the request's fault (token, scope, channel…). */
export const RETRIABLE_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Errors from a body this long are cut: a proxy's HTML page must not flood the log. */
const MAX_ERROR_CHARS = 200;

export interface SlackCall {
  /** e.g. https://slack.com/api/chat.postMessage */
  url: string;
  token: string;
  /** A JSON body (write methods) or none: read methods take their arguments in the URL. */
  json?: unknown;
  /**
   * Whether a try that got no answer (network error, timeout) is tried again. False for a
   * post: Slack may have shown it, so the caller looks before posting again. Default true.
   */
  retryUnanswered?: boolean;
}

export type SlackCallResult =
  | { ok: true; attempts: number; status: number; body: Record<string, unknown> }
  | { ok: false; attempts: number; status?: number; error: string };

type Attempt = TryOutcome<Record<string, unknown>>;

async function attemptOnce(call: SlackCall, policy: RetryPolicy, doFetch: typeof fetch, now: () => number): Promise<Attempt> {
  let res: Response;
  try {
    res = await doFetch(call.url, {
      method: call.json === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${call.token}`,
        'user-agent': 'northstar-alerts/1',
        ...(call.json === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
      },
      ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.attemptTimeoutMs),
    });
  } catch (err) {
    return { kind: 'retry', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  const text = await res.text().catch(() => '');
  const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), now());
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const slackError = typeof body === 'object' && body !== null && 'error' in body ? String((body as { error: unknown }).error) : '';
  if (res.status < 200 || res.status >= 300) {
    const error = `HTTP ${res.status}: ${(slackError || text).slice(0, MAX_ERROR_CHARS).trim()}`;
    return { kind: isRetryableStatus(res.status) ? 'retry' : 'refuse', status: res.status, error, retryAfterMs };
  }
  if (typeof body !== 'object' || body === null)
    return { kind: 'refuse', status: res.status, error: `not a Slack API answer: ${text.slice(0, MAX_ERROR_CHARS)}` };
  const record = body as Record<string, unknown>;
  if (record.ok === true) return { kind: 'ok', status: res.status, value: record };
  const error = `Slack: ${(slackError || 'ok is not true').slice(0, MAX_ERROR_CHARS)}`;
  return { kind: RETRIABLE_SLACK_ERRORS.has(slackError) ? 'retry' : 'refuse', status: res.status, error, retryAfterMs };
}

export async function callSlack(
  call: SlackCall,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  deps: HttpDeps = {},
): Promise<SlackCallResult> {
  const doFetch = deps.fetch ?? fetch;
  const result = await withRetries(
    (_attempt, now) => attemptOnce(call, policy, doFetch, now),
    policy,
    deps,
    // a post that got no answer may have been shown: the caller looks before posting again
    (a) => (a.status === undefined && call.retryUnanswered === false ? `no answer: ${a.error}` : undefined),
  );
  if (!result.ok) return result;
  return { ok: true, attempts: result.attempts, status: result.status, body: result.value };
}
