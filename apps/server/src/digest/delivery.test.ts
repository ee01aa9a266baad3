import { describe, expect, it } from 'vitest';
import type { Digest } from './content.ts';
import { DigestSender } from './delivery.ts';

const DIGEST: Digest = {
  objective: { id: 'grow', name: 'Grow', owner: 'dana', status: 'on_track', attainment: 100, reason: null, troubled: [] },
  period: { cadence: 'weekly', key: '2026-W49', startMs: Date.UTC(2026, 11, 7) },
  span: { fromMs: Date.UTC(2026, 10, 30), toMs: Date.UTC(2026, 11, 7) },
  kpis: [],
  alerts: [],
  checkinsDue: [],
  milestones: [],
  url: 'http://northstar.test/#/objectives/grow',
  owners: ['dana'],
};

const POLICY = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 1_000, attemptTimeoutMs: 1_000 };

function recording(answer: unknown) {
  const seen: Array<{ url: string; auth: string | null; body: Record<string, unknown> }> = [];
  const fetchFn = ((input: string | URL | Request, init?: RequestInit) => {
    seen.push({
      url: String(input),
      auth: new Headers(init?.headers).get('authorization'),
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
    });
    return Promise.resolve(new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } }));
  }) as typeof fetch;
  return { seen, httpDeps: { fetch: fetchFn, sleep: () => Promise.resolve() } };
}

const apiChannel = {
  id: 'dana-dm',
  type: 'slack' as const,
  botToken: 'xoxb-1-2-digesttoken',
  channelId: 'D0123456789',
  apiUrl: 'http://slack.test/api',
};

describe('a digest to a Slack channel in Web API mode', () => {
  it('goes through chat.postMessage to the conversation, with the bot token', async () => {
    const { seen, httpDeps } = recording({ ok: true, ts: '1.0' });
    const sender = new DigestSender({ timezone: 'UTC', httpDeps, policy: POLICY });
    const r = await sender.send(DIGEST, { person: 'dana', slack: apiChannel }, 'http://northstar.test/unsubscribe');
    expect(r).toEqual([{ channel: 'slack', ok: true, error: '' }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe('http://slack.test/api/chat.postMessage');
    expect(seen[0]?.auth).toBe('Bearer xoxb-1-2-digesttoken');
    expect(seen[0]?.body.channel).toBe('D0123456789');
    expect(typeof seen[0]?.body.text).toBe('string');
  });

  it("reports Slack's refusal (HTTP 200, ok:false) with its error, the token kept out", async () => {
    const { httpDeps } = recording({ ok: false, error: 'not_in_channel xoxb-1-2-digesttoken' });
    const sender = new DigestSender({ timezone: 'UTC', httpDeps, policy: POLICY });
    const r = await sender.send(DIGEST, { person: 'dana', slack: apiChannel }, 'http://northstar.test/unsubscribe');
    expect(r).toEqual([{ channel: 'slack', ok: false, error: 'Slack: not_in_channel [redacted]' }]);
  });
});
