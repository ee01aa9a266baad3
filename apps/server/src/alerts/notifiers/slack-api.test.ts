import { describe, expect, it } from 'vitest';
import { makeBatch } from '../batch.fixture.ts';
import { callSlack } from './slack-api-call.ts';
import { HISTORY_SKEW_MS, SlackApiNotifier, carriesKey, slackApiMessage } from './slack-api.ts';

const KEY = '0123456789abcdef0123456789abcdef';
const TOKEN = 'xoxb-1111-2222-tokentokentoken';
const POLICY = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 100, maxTotalMs: 60_000, attemptTimeoutMs: 1_000 };

interface Seen {
  method: string;
  url: URL;
  auth: string | null;
  body: unknown;
}

/** A scripted Web API: each answer is taken in order; what was asked is kept. */
function scripted(answers: Array<Response | Error>) {
  const seen: Seen[] = [];
  const sleeps: number[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    seen.push({
      method: url.pathname.split('/').at(-1) ?? '',
      url,
      auth: headers.get('authorization'),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    });
    const next = answers.shift();
    if (!next) throw new Error('no answer scripted');
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  const deps = { fetch: fetchFn, sleep: (ms: number) => (sleeps.push(ms), Promise.resolve()), random: () => 0, now: () => 100_000 };
  return { seen, sleeps, deps };
}

const json = (body: unknown, init: ResponseInit = {}) =>
  new Response(JSON.stringify(body), { status: 200, ...init, headers: { 'content-type': 'application/json', ...init.headers } });

describe('a Slack Web API call', () => {
  it("takes HTTP 200 with ok:false as a refusal with Slack's error, not retried", async () => {
    const { seen, deps } = scripted([json({ ok: false, error: 'channel_not_found' })]);
    const r = await callSlack({ url: 'http://slack.test/api/chat.postMessage', token: TOKEN, json: {} }, POLICY, deps);
    expect(r).toEqual({ ok: false, attempts: 1, status: 200, error: 'Slack: channel_not_found' });
    expect(seen[0]?.auth).toBe(`Bearer ${TOKEN}`);
  });

  it('retries a rate limit, waiting at least what Retry-After asks', async () => {
    const { sleeps, deps } = scripted([
      json({ ok: false, error: 'ratelimited' }, { status: 429, headers: { 'retry-after': '3' } }),
      json({ ok: false, error: 'ratelimited' }, { headers: { 'retry-after': '2' } }),
      json({ ok: true, ts: '1.2' }),
    ]);
    const r = await callSlack({ url: 'http://slack.test/api/chat.postMessage', token: TOKEN, json: {} }, POLICY, deps);
    expect(r).toMatchObject({ ok: true, attempts: 3, body: { ts: '1.2' } });
    expect(sleeps).toEqual([3_000, 2_000]);
  });

  it('does not retry a post that got no answer when told not to (Slack may show it)', async () => {
    const { seen, deps } = scripted([new Error('socket hang up')]);
    const r = await callSlack(
      { url: 'http://slack.test/api/chat.postMessage', token: TOKEN, json: {}, retryUnanswered: false },
      POLICY,
      deps,
    );
    expect(r).toEqual({ ok: false, attempts: 1, error: 'no answer: Error: socket hang up' });
    expect(seen).toHaveLength(1);
  });
});

describe('the Slack Web API notifier', () => {
  const notifier = (deps: ReturnType<typeof scripted>['deps']) =>
    new SlackApiNotifier({ botToken: TOKEN, channelId: 'C0123456789', apiUrl: 'http://slack.test/api/', policy: POLICY, deps });

  it('posts the message with the idempotency key in its metadata', async () => {
    const { seen, deps } = scripted([json({ ok: true, channel: 'C0123456789', ts: '1.2' })]);
    const r = await notifier(deps).send(makeBatch());
    expect(r).toEqual({ ok: true, attempts: 1, status: 200 });
    expect(seen.map((s) => s.method)).toEqual(['chat.postMessage']);
    expect(seen[0]?.url.href).toBe('http://slack.test/api/chat.postMessage');
    expect(seen[0]?.body).toMatchObject({
      channel: 'C0123456789',
      metadata: { event_type: 'northstar_notification', event_payload: { idempotency_key: KEY } },
    });
  });

  it('an uncertain send found in the history is not posted again', async () => {
    const { seen, deps } = scripted([
      json({ ok: true, messages: [{ ts: '5.0', text: 'other' }], has_more: true, response_metadata: { next_cursor: 'page2' } }),
      json({
        ok: true,
        messages: [{ ts: '6.0', metadata: { event_type: 'northstar_notification', event_payload: { idempotency_key: KEY } } }],
        has_more: false,
      }),
    ]);
    const r = await notifier(deps).send(makeBatch(), { uncertainSinceMs: 90_000 });
    expect(r).toEqual({ ok: true, attempts: 2, alreadyShown: true });
    expect(seen.map((s) => s.method)).toEqual(['conversations.history', 'conversations.history']);
    const q = seen[0]!.url.searchParams;
    expect([q.get('channel'), q.get('oldest'), q.get('include_all_metadata')]).toEqual([
      'C0123456789',
      ((90_000 - HISTORY_SKEW_MS) / 1000).toFixed(6),
      'true',
    ]);
    expect(seen[1]!.url.searchParams.get('cursor')).toBe('page2');
  });

  it('an uncertain send not in the history is posted, unmarked: the history proves it is the only copy', async () => {
    const { seen, deps } = scripted([json({ ok: true, messages: [], has_more: false }), json({ ok: true, ts: '7.0' })]);
    const r = await notifier(deps).send(makeBatch(), { uncertainSinceMs: 90_000 });
    expect(r).toEqual({ ok: true, attempts: 2, status: 200 });
    expect(JSON.stringify(seen[1]?.body)).not.toContain('Re-sent');
  });

  it('a history it cannot read (a missing scope): the post goes out marked as a possible repeat', async () => {
    const { seen, deps } = scripted([json({ ok: false, error: 'missing_scope' }), json({ ok: true, ts: '7.0' })]);
    const r = await notifier(deps).send(makeBatch(), { uncertainSinceMs: 90_000 });
    expect(r.ok).toBe(true);
    expect(JSON.stringify(seen[1]?.body)).toContain('Re-sent after a fail-over or a lost answer; it may repeat ref 01234567');
  });

  it('a post with no answer is looked up before it is posted again', async () => {
    const { seen, deps } = scripted([
      new Error('socket hang up'),
      json({
        ok: true,
        messages: [{ ts: '8.0', metadata: { event_type: 'northstar_notification', event_payload: { idempotency_key: KEY } } }],
      }),
    ]);
    const r = await notifier(deps).send(makeBatch());
    expect(r).toEqual({ ok: true, attempts: 2, alreadyShown: true });
    expect(seen.map((s) => s.method)).toEqual(['chat.postMessage', 'conversations.history']);
  });

  it('keeps the token out of an error even when an answer echoes it', async () => {
    const { deps } = scripted([json({ ok: false, error: `invalid_auth ${TOKEN}` })]);
    const r = await notifier(deps).send(makeBatch());
    expect(r.error).toBe('Slack: invalid_auth [redacted]');
  });

  it('recognises only its own metadata', () => {
    expect(carriesKey({ metadata: { event_type: 'northstar_notification', event_payload: { idempotency_key: KEY } } }, KEY)).toBe(true);
    expect(carriesKey({ metadata: { event_type: 'other', event_payload: { idempotency_key: KEY } } }, KEY)).toBe(false);
    expect(carriesKey({ text: KEY }, KEY)).toBe(false);
    expect(slackApiMessage(makeBatch(), 'C1').metadata.event_payload.idempotency_key).toBe(KEY);
  });
});
