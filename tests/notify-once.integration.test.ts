import { describe, expect, it } from 'vitest';
import type { Alert } from '@northstar/shared';
import { alertingServer, ERRORS_RULE_MODEL } from './support/alerting-server.ts';
import { burst, postEvents, restartTestServer, waitFor, type TestServer } from './support/harness.ts';

/**
 * Issue 17.2: one notification per alert transition. A webhook receiver process that drops
 * duplicates by Idempotency-Key sees the same key on a retry (header and body), and a server
 * restarted on the same store, whose fresh dispatcher queues the firing again, does not send
 * it again: its key is the same and the store records that the channel accepted it.
 */

async function alreadySent(s: TestServer): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('northstar_notifications_total{') && l.includes('ok="already-sent"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const fx = alertingServer({ routingKey: 'pd-routing-key-once-0123456789', genieKey: 'genie-api-key-once-0123456789' }, (base) => ({
  config: `${ERRORS_RULE_MODEL}notifications:
  channels:
    - { id: hook, type: webhook, url: '${base}/webhook?failFirst=1', secret: 'a-webhook-secret-0123456789' }
  routes:
    - { match: { severity: [critical] }, channels: [hook], groupWait: 0s, repeatInterval: 1h }
`,
}));

describe('a notification is sent once per alert transition', () => {
  it('a retry carries the same key, and a restart does not send the firing again', async () => {
    await postEvents(fx.server, burst('m.errors', 12));
    const first = await waitFor(async () => {
      const st = await fx.receiver.state();
      return st.webhook.accepted.length > 0 ? st : undefined;
    }, 'the firing accepted by the webhook');
    // refused once (503), retried with the same key in the header and in the body
    expect(first.webhook.deliveries.map((d) => d.status)).toEqual([503, 202]);
    const key = first.webhook.accepted[0] ?? '';
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(first.webhook.deliveries.every((d) => d.header === key && d.bodyKey === key)).toBe(true);

    // restart on the same store: the alert resumes firing from its stored transitions
    fx.server = await restartTestServer(fx.server);
    const alerts = (await (await fetch(`${fx.server.url}/api/v1/alerts`)).json()) as Alert[];
    const alert = alerts.find((a) => a.state === 'alerting');
    expect(alert?.key).toBe('too-many-errors/errors/');
    // an acknowledgement brings the alert to the new dispatcher, which has not told anyone of
    // this episode yet and queues its firing: the same transition, so the same key, already sent
    const ack = await fetch(`${fx.server.url}/api/v1/alerts/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-northstar-user': 'lead' },
      body: JSON.stringify({ key: alert?.key, comment: 'looking' }),
    });
    expect(ack.status).toBe(200);
    await waitFor(async () => ((await alreadySent(fx.server)) >= 1 ? true : undefined), 'the re-queued firing recognised as sent');
    const after = await fx.receiver.state();
    expect(after.webhook.accepted).toEqual([key]);
    expect(after.webhook.deliveries).toHaveLength(2);
  });
});
