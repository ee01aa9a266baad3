import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/harness.ts';
import { startOncallReceiver, type OncallReceiver } from './support/oncall.ts';
import { makeWorkspace, metric, startCliServer, waitReady, type CliServer, type ServerWorkspace } from './support/server-process.ts';
import { startSlackApiReceiver, type SlackApiReceiver } from './support/slack-api.ts';

/**
 * Issue 17.2, the window the sent record alone leaves open: a sender killed after a channel
 * accepted a notification but before it recorded that. Two receiver processes keep the
 * message and hold their answer; the `northstar serve` process that sent it is killed -9
 * meanwhile, and a server restarted on the same store finds the intent with no outcome.
 * Slack through its Web API is read back and not posted again; a Teams webhook, which
 * cannot be read back, gets a card marked as a possible repeat with the same reference.
 */

const TOKEN = 'xoxb-4242-failover-token-0123456789';
const CONVERSATION = 'C0FAILOVER1';

const config = (slackApi: string, oncall: string) => `
objectives:
  - { id: platform, name: Stay fast, owner: CTO }
kpis:
  - { id: errors, name: Errors, objective: platform, owner: Ravi, metric: m.failover.errors, aggregation: count, window: 1h, direction: lower_is_better, target: 10 }
rules:
  - { id: too-many-errors, name: Too many errors, kpis: [errors], severity: critical, condition: { type: threshold, op: '>', value: 10 } }
notifications:
  channels:
    - { id: ops-slack, type: slack, botToken: '${TOKEN}', channelId: ${CONVERSATION}, apiUrl: '${slackApi}' }
    - { id: ops-teams, type: teams, url: '${oncall}/teams/webhook' }
  routes:
    - { match: { severity: [critical] }, channels: [ops-slack, ops-teams], groupWait: 0s, repeatInterval: 1h }
`;

let slack: SlackApiReceiver;
let oncall: OncallReceiver;
let ws: ServerWorkspace;
let server: CliServer | undefined;

beforeAll(async () => {
  slack = await startSlackApiReceiver(TOKEN, CONVERSATION);
  oncall = await startOncallReceiver('pd-unused-failover-0123456789', 'genie-unused-failover-0123456789');
  ws = makeWorkspace(config(slack.apiUrl, oncall.base));
  server = await startCliServer(ws, {});
  await waitReady(server, 120_000);
}, 180_000);

afterAll(async () => {
  await server?.terminate();
  slack?.stop();
  oncall?.stop();
  ws?.remove();
});

const texts = (card: { body: { text?: string }[] }) => card.body.map((b) => b.text ?? '').join('\n');

describe('a notification accepted by its channel but not recorded as sent (kill -9 in between)', () => {
  it('is not posted again through the Slack Web API, and is re-sent marked to a Teams webhook', async () => {
    const first = server!;
    await slack.hold();
    await oncall.hold();
    // Slack's refusal with HTTP 200: retried after its Retry-After, then kept and held
    await slack.fail('ratelimited', 1);
    const body = Array.from({ length: 12 }, (_, i) => JSON.stringify({ metric: 'm.failover.errors', value: 1, id: `e-${i}` })).join('\n');
    const res = await fetch(`${first.url}/api/v1/events`, { method: 'POST', body, headers: { 'content-type': 'application/x-ndjson' } });
    expect(res.status).toBe(202);

    // both channels have the message and hold their answer: the sender waits for it
    await waitFor(
      async () => ((await slack.state()).held === 1 && (await oncall.state()).teams.held === 1 ? true : undefined),
      'the firing kept by both receivers, answers held',
      60_000,
    );
    expect(await metric(first, 'northstar_notifications_total', { ok: 'true' })).toBe(0);
    await first.kill9();
    await slack.release();
    await oncall.release();

    const before = await slack.state();
    expect(before.messages).toHaveLength(1);
    expect(before.rejected).toEqual(['ratelimited']);
    const key = before.messages[0]?.metadata?.event_payload.idempotency_key ?? '';
    expect(before.messages[0]?.metadata?.event_type).toBe('northstar_notification');
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const ref = `ref ${key.slice(0, 8)}`;

    // restarted on the same store: the alert resumes firing and its firing is told again
    server = await startCliServer(ws, {});
    const second = server;
    await waitReady(second, 120_000);
    await waitFor(
      async () => {
        const slackDone = await metric(second, 'northstar_notifications_uncertain_total', { type: 'slack', outcome: 'already-shown' });
        const teamsDone = await metric(second, 'northstar_notifications_uncertain_total', { type: 'teams', outcome: 'sent-again' });
        return slackDone === 1 && teamsDone === 1 ? true : undefined;
      },
      'both uncertain sends settled on the restarted server',
      60_000,
    );

    // Slack: read back, found by its key, not posted again
    const after = await slack.state();
    expect(after.messages).toHaveLength(1);
    expect(after.posts).toBe(2);
    expect(after.historyReads).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(after.messages[0]?.blocks)).toContain(ref);

    // Teams: cannot be read back, so the second card says it may repeat the first, by the same reference
    const cards = (await oncall.state()).teams.cards;
    expect(cards).toHaveLength(2);
    expect(texts(cards[0]!)).toContain(ref);
    expect(texts(cards[0]!)).not.toContain('Re-sent');
    expect(texts(cards[1]!)).toContain(`Re-sent after a fail-over or a lost answer; it may repeat ${ref}`);
    expect(texts(cards[1]!).split('\n').at(-1)).toBe(ref);

    // both now recorded as sent: later ticks send nothing more
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await slack.state()).posts).toBe(2);
    expect((await oncall.state()).teams.cards).toHaveLength(2);
    expect(await metric(second, 'northstar_notifications_total', { channel: 'ops-slack', ok: 'already-shown' })).toBe(1);
  }, 240_000);
});
