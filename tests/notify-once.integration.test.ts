import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '@northstar/shared';
import { burst, postEvents, restartTestServer, startTestServer, waitFor, type TestServer } from './support/harness.ts';
import { startOncallReceiver, type OncallReceiver } from './support/oncall.ts';

/**
 * Issue 17.2: one notification per alert transition. A webhook receiver process that drops
 * duplicates by Idempotency-Key sees the same key on a retry (header and body), and a server
 * restarted on the same store, whose fresh dispatcher queues the firing again, does not send
 * it again: its key is the same and the store records that the channel accepted it.
 */

let receiver: OncallReceiver;
let server: TestServer;

const config = (base: string) => `
objectives:
  - { id: platform, name: Stay fast, owner: CTO }
kpis:
  - { id: errors, name: Errors, objective: platform, owner: Ravi, metric: m.errors, aggregation: count, window: 1h, direction: lower_is_better, target: 10 }
rules:
  - { id: too-many-errors, name: Too many errors, kpis: [errors], severity: critical, condition: { type: threshold, op: '>', value: 10 } }
notifications:
  channels:
    - { id: hook, type: webhook, url: '${base}/webhook?failFirst=1', secret: 'a-webhook-secret-0123456789' }
  routes:
    - { match: { severity: [critical] }, channels: [hook], groupWait: 0s, repeatInterval: 1h }
`;

async function alreadySent(s: TestServer): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('northstar_notifications_total{') && l.includes('ok="already-sent"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

beforeAll(async () => {
  receiver = await startOncallReceiver('pd-routing-key-once-0123456789', 'genie-api-key-once-0123456789');
  server = await startTestServer({ config: config(receiver.base) });
});
afterAll(async () => {
  await server?.stop();
  receiver?.stop();
});

describe('a notification is sent once per alert transition', () => {
  it('a retry carries the same key, and a restart does not send the firing again', async () => {
    await postEvents(server, burst('m.errors', 12));
    const first = await waitFor(async () => {
      const st = await receiver.state();
      return st.webhook.accepted.length > 0 ? st : undefined;
    }, 'the firing accepted by the webhook');
    // refused once (503), retried with the same key in the header and in the body
    expect(first.webhook.deliveries.map((d) => d.status)).toEqual([503, 202]);
    const key = first.webhook.accepted[0] ?? '';
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(first.webhook.deliveries.every((d) => d.header === key && d.bodyKey === key)).toBe(true);

    // restart on the same store: the alert resumes firing from its stored transitions
    server = await restartTestServer(server);
    const alerts = (await (await fetch(`${server.url}/api/v1/alerts`)).json()) as Alert[];
    const alert = alerts.find((a) => a.state === 'alerting');
    expect(alert?.key).toBe('too-many-errors/errors/');
    // an acknowledgement brings the alert to the new dispatcher, which has not told anyone of
    // this episode yet and queues its firing: the same transition, so the same key, already sent
    const ack = await fetch(`${server.url}/api/v1/alerts/ack`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-northstar-user': 'lead' },
      body: JSON.stringify({ key: alert?.key, comment: 'looking' }),
    });
    expect(ack.status).toBe(200);
    await waitFor(async () => ((await alreadySent(server)) >= 1 ? true : undefined), 'the re-queued firing recognised as sent');
    const after = await receiver.state();
    expect(after.webhook.accepted).toEqual([key]);
    expect(after.webhook.deliveries).toHaveLength(2);
  });
});
