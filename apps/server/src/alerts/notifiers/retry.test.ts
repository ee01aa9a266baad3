import { describe, expect, it } from 'vitest';
import { backoffDelayMs, parseRetryAfterMs, postWithRetry, type RetryPolicy } from './retry.ts';

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 10_000, attemptTimeoutMs: 1_000 };

/** A fetch that answers from a script (a status, a status with headers, or a thrown error), recording each call. */
function scriptedFetch(script: Array<number | { status: number; headers?: Record<string, string> } | Error>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = script[Math.min(calls.length - 1, script.length - 1)];
    if (next instanceof Error) throw next;
    const r = typeof next === 'number' ? { status: next } : next;
    return new Response(r?.status === 204 ? null : 'body', { status: r?.status ?? 200, headers: r?.headers });
  }) as typeof fetch;
  return { fetchFn, calls };
}

/** A clock that only moves when the code under test sleeps. */
function fakeTime() {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) };
}

const req = { url: 'http://127.0.0.1:1/hook', body: '{}', headers: (n: number) => ({ 'x-attempt': String(n) }) };

describe('backoff', () => {
  it('grows exponentially within [e/2, e], capped', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 0.999_999)).toBe(100);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(200);
    expect(backoffDelayMs(20, policy, () => 0.999_999)).toBe(1_000);
  });
  it('never shrinks from one failure to the next, whatever the jitter', () => {
    for (let n = 1; n < 10; n++)
      expect(backoffDelayMs(n + 1, policy, () => 0)).toBeGreaterThanOrEqual(backoffDelayMs(n, policy, () => 0.999_999));
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfterMs('3', 0)).toBe(3_000);
    expect(parseRetryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfterMs('soon', 0)).toBeNull();
    expect(parseRetryAfterMs(null, 0)).toBeNull();
  });
});

describe('postWithRetry', () => {
  it('retries 5xx and network errors, then succeeds', async () => {
    const { fetchFn, calls } = scriptedFetch([503, new TypeError('fetch failed'), 500, 200]);
    const time = fakeTime();
    const r = await postWithRetry(req, policy, { fetch: fetchFn, ...time, random: () => 0.5 });
    expect(r).toEqual({ ok: true, attempts: 4, status: 200 });
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['x-attempt'])).toEqual(['1', '2', '3', '4']);
    expect(time.sleeps).toEqual([75, 150, 300]);
  });
  it('does not retry a 4xx other than 429', async () => {
    for (const status of [400, 401, 404, 410, 422]) {
      const { fetchFn, calls } = scriptedFetch([status, 200]);
      const r = await postWithRetry(req, policy, { fetch: fetchFn, ...fakeTime() });
      expect(r).toMatchObject({ ok: false, attempts: 1, status, error: `HTTP ${status}: body` });
      expect(calls).toHaveLength(1);
    }
  });
  it('does not follow redirects', async () => {
    const { fetchFn, calls } = scriptedFetch([{ status: 307, headers: { location: 'http://elsewhere/' } }]);
    expect(await postWithRetry(req, policy, { fetch: fetchFn, ...fakeTime() })).toMatchObject({ ok: false, attempts: 1, status: 307 });
    expect(calls[0]?.init.redirect).toBe('manual');
  });
  it('retries a 429 after at least its Retry-After', async () => {
    const { fetchFn } = scriptedFetch([{ status: 429, headers: { 'retry-after': '2' } }, 204]);
    const time = fakeTime();
    expect(await postWithRetry(req, policy, { fetch: fetchFn, ...time, random: () => 0 })).toMatchObject({ ok: true, attempts: 2 });
    expect(time.sleeps).toEqual([2_000]);
  });
  it('gives up after maxAttempts', async () => {
    const { fetchFn, calls } = scriptedFetch([503]);
    const r = await postWithRetry(req, policy, { fetch: fetchFn, ...fakeTime() });
    expect(r).toMatchObject({ ok: false, attempts: 5, status: 503 });
    expect(r.error).toMatch(/^gave up after 5 attempts: HTTP 503/);
    expect(calls).toHaveLength(5);
  });
  it('gives up rather than retry beyond the total time, Retry-After included', async () => {
    const { fetchFn, calls } = scriptedFetch([{ status: 503, headers: { 'retry-after': '3600' } }]);
    const time = fakeTime();
    const r = await postWithRetry(req, policy, { fetch: fetchFn, ...time });
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(r.error).toContain('beyond 10000 ms');
    expect(calls).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });
  it('reports a network error without a status', async () => {
    const { fetchFn } = scriptedFetch([new TypeError('fetch failed')]);
    const r = await postWithRetry(req, { ...policy, maxAttempts: 2 }, { fetch: fetchFn, ...fakeTime() });
    expect(r).toEqual({ ok: false, attempts: 2, error: 'gave up after 2 attempts: TypeError: fetch failed' });
  });
});
