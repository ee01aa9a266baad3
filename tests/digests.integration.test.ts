import { setTimeout as delay } from 'node:timers/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_ON_ENV, apiFetch, loginSession, startTestServer, type TestServer } from './support/harness.ts';
import { startOncallReceiver, type OncallReceiver } from './support/oncall.ts';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.ts';

// A review digest delivered by the real server to a real SMTP server (smtp-server on loopback)
// and to a Slack-compatible receiver process that checks the Block Kit limits, with sign-in on.

/** Links in a digest start here; the test replaces it with the server's own address (known only once it listens). */
const BASE = 'http://northstar.test';

let smtp: SmtpReceiver;
let receiver: OncallReceiver;
let server: TestServer;
const mails: ParsedMail[] = [];

function config(smtpPort: number, slackUrl: string): string {
  return `
objectives:
  - { id: sales, name: Sell more, owner: admin, review: weekly }
kpis:
  - { id: orders, name: Orders, objective: sales, owner: kim, metric: d.orders, aggregation: count, window: 1h, unit: orders, target: 40 }
  - { id: revenue, name: Revenue, objective: sales, owner: admin, metric: d.revenue, aggregation: sum, window: 1h, unit: €, target: 1000 }
notifications:
  channels:
    - { id: mail, type: email, smtpUrl: "smtp://127.0.0.1:${smtpPort}", from: northstar@example.com, to: [ops@example.com] }
    - { id: team, type: slack, url: "${slackUrl}" }
  digests:
    email: mail
    baseUrl: ${BASE}
    checkEvery: 1s
    people:
      - { name: admin, email: admin@example.com, slack: team }
      - { name: kim, email: kim@example.com }
`;
}

const mailsTo = (address: string) => mails.filter((m) => JSON.stringify(m.to).includes(address));

async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 300)}`);
    await delay(200);
  }
}

beforeAll(async () => {
  smtp = await startSmtpReceiver(async (mail) => {
    mails.push(await simpleParser(mail.raw, { keepCidLinks: true }));
  });
  receiver = await startOncallReceiver('routing-key-123', 'genie-key-123');
  const port = smtp.port;
  server = await startTestServer({ config: config(port, `${receiver.base}/slack/webhook`), env: AUTH_ON_ENV });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  receiver?.stop();
  await smtp?.close();
});

describe('review digests on a schedule', () => {
  it('reach each owner once per period: the objective owner by email and Slack, a KPI owner by email', async () => {
    await until(
      'the scheduled digests',
      () => receiver.state(),
      () => mailsTo('admin@example.com').length >= 1 && mailsTo('kim@example.com').length >= 1,
    );
    await until(
      'the Slack digest',
      () => receiver.state(),
      (s) => s.slack.messages.length >= 1,
    );
    // three more runs of the schedule: nothing is sent twice in the period
    await delay(3_500);
    expect(mailsTo('admin@example.com')).toHaveLength(1);
    expect(mailsTo('kim@example.com')).toHaveLength(1);
    const state = await receiver.state();
    expect(state.slack.messages).toHaveLength(1);
    expect(state.slack.rejected).toEqual([]);
    expect(mailsTo('kim@example.com')[0]?.subject).toMatch(/^Sell more: .* review digest\)$/);
  });
});

describe('send me this digest now', () => {
  it('delivers what the API says: each KPI attainment, a PNG chart per KPI, check-ins due, and a working unsubscribe link', async () => {
    const events = [
      ...Array.from({ length: 10 }, () => ({ metric: 'd.orders', value: 1 })),
      { metric: 'd.revenue', value: 250 },
      { metric: 'd.revenue', value: 350 },
    ];
    const ingest = await apiFetch(server, '/api/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: events.map((e) => JSON.stringify(e)).join('\n'),
    });
    expect(ingest.status).toBe(202);
    const kpi = async (id: string) =>
      (await (await apiFetch(server, `/api/v1/kpis/${id}`)).json()) as { state: { value: number | null; attainment: number | null } };
    await until(
      'the KPIs to count the events',
      () => Promise.all([kpi('orders'), kpi('revenue')]),
      ([o, r]) => o.state.value === 10 && r.state.value === 600,
    );

    const session = await loginSession(server);
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf, origin: server.url };
    const before = mailsTo('admin@example.com').length;
    const slackBefore = (await receiver.state()).slack.messages.length;
    const sent = await fetch(`${server.url}/api/v1/digests/objectives/sales/send`, { method: 'POST', headers });
    expect(sent.status).toBe(200);
    expect(((await sent.json()) as { sent: unknown[] }).sent).toEqual([
      { channel: 'email', ok: true, error: '' },
      { channel: 'slack', ok: true, error: '' },
    ]);
    const mail = await until(
      'the email',
      () => mailsTo('admin@example.com'),
      (m) => m.length > before,
    ).then((m) => m[m.length - 1] as ParsedMail);

    const [orders, revenue] = await Promise.all([kpi('orders'), kpi('revenue')]);
    expect(orders.state.attainment).toBe(25);
    expect(revenue.state.attainment).toBe(60);
    const html = String(mail.html);
    expect(mail.subject).toContain('Sell more');
    expect(html).toContain(`<tr data-kpi="orders">`);
    expect(html).toContain(`data-attainment="${orders.state.attainment}"`);
    expect(html).toContain(`data-attainment="${revenue.state.attainment}"`);
    expect(mail.text).toContain('Orders: Off track, 10 orders of 40 orders target, 25 % attainment');
    expect(mail.text).toContain('Revenue: ');
    expect(mail.text).toContain('60 % attainment');
    // a chart per KPI, inline: PNG attachments whose Content-IDs the HTML points at
    const charts = mail.attachments.filter((a) => a.contentType === 'image/png');
    expect(charts).toHaveLength(2);
    for (const chart of charts) {
      expect(chart.content.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(html).toContain(`cid:${String(chart.cid)}`);
    }
    // the weekly review of the objective is due: its link opens the check-in form
    expect(html).toContain(`${BASE}/#/checkin/objective/sales`);
    // RFC 8058: the mail program's own unsubscribe button posts to the same signed link
    const headerText = mail.headerLines.map((h) => h.line).join('\n');
    expect(headerText).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(headerText).toMatch(/List-Unsubscribe:\s+<http:\/\/northstar\.test\/api\/v1\/digests\/unsubscribe\?token=/);

    const slack = (await receiver.state()).slack;
    expect(slack.rejected).toEqual([]);
    expect(slack.messages.length).toBe(slackBefore + 1);
    const blocks = JSON.stringify(slack.messages[slack.messages.length - 1]);
    expect(blocks).toContain('*Orders*');
    expect(blocks).toContain('25 % attainment');
    expect(blocks).toContain('60 % attainment');
    // the server is on loopback: Slack could not fetch a chart, so none is linked
    expect(blocks).not.toContain('"image"');

    // the unsubscribe link works without signing in, in one request, and says what it did
    const link = /href="([^"]*\/api\/v1\/digests\/unsubscribe\?token=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(link).toBeDefined();
    const url = (link as string).replace(BASE, server.url);
    const forged = await fetch(url.replace(/token=([^.]+)\./, 'token=$1x.'));
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('not valid');
    const done = await fetch(url);
    expect(done.status).toBe(200);
    // the mail program's one-click POST (no cookie, no Origin) does the same
    const posted = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(posted.status).toBe(200);
    expect(await done.text()).toContain('admin will no longer get the review digest of <strong>Sell more</strong>');
    const subs = await fetch(`${server.url}/api/v1/digests/subscriptions`, { headers });
    expect(await subs.json()).toEqual([{ objective: 'sales', name: 'Sell more', subscribed: false, why: 'none' }]);
    // and back: a person subscribes again from the app
    const again = await fetch(`${server.url}/api/v1/digests/subscriptions/sales`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ subscribed: 'yes' }),
    });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('subscribed: must be true or false');
  });

  it('needs a person: an API token may preview but not be sent a digest', async () => {
    const preview = await apiFetch(server, '/api/v1/digests/objectives/sales/preview');
    expect(preview.status).toBe(200);
    const body = (await preview.json()) as { html: string; recipients: Array<{ person: string; channels: string[] }> };
    expect(body.html).toContain('data:image/svg+xml;base64,');
    expect(body.recipients).toEqual([{ person: 'kim', channels: ['email'] }]);
    expect((await apiFetch(server, '/api/v1/digests/objectives/sales/send', { method: 'POST' })).status).toBe(403);
    expect((await apiFetch(server, '/api/v1/digests/objectives/nope/preview')).status).toBe(404);
    // chart links are public (Slack fetches them without credentials) and refuse a token not signed here
    const chart = await fetch(`${server.url}/api/v1/digests/charts/${'x'.repeat(40)}.${'y'.repeat(43)}`);
    expect(chart.status).toBe(404);
    expect(await chart.text()).toContain('not valid or has expired');
  });
});

describe('digest settings in the versioned model', () => {
  it('are set through the API, kept in the model YAML, and change who gets the digest and how often', async () => {
    const put = await apiFetch(server, '/api/v1/objectives/sales', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'sales',
        name: 'Sell more',
        owner: 'admin',
        review: 'weekly',
        digest: { cadence: 'monthly', subscribers: ['lee'] },
      }),
    });
    expect(put.status).toBe(200);
    const preview = (await (await apiFetch(server, '/api/v1/digests/objectives/sales/preview')).json()) as {
      period: string;
      recipients: Array<{ person: string; channels: string[] }>;
    };
    expect(preview.period).toMatch(/^\d{4}-\d{2}$/);
    // lee has no address in the config file: named, but reached on no channel
    expect(preview.recipients).toContainEqual({ person: 'lee', channels: [] });
    const yaml = await (await apiFetch(server, '/api/v1/model')).text();
    expect(yaml).toContain('cadence: monthly');
    expect(yaml).toContain('- lee');
    // a mistake is named by field, and the settings in force stay
    const bad = await apiFetch(server, '/api/v1/objectives/sales', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'sales', name: 'Sell more', digest: { cadence: 'daily' } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('digest.cadence');
    expect((await (await apiFetch(server, '/api/v1/objectives/sales')).json()) as unknown).toMatchObject({
      digest: { enabled: true, cadence: 'monthly', subscribers: ['lee'] },
    });
  });
});
