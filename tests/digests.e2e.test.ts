import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signIn, startWallServer } from './support/browser.ts';
import { apiFetch, type TestServer } from './support/harness.ts';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.ts';

// The digest preview in a real browser with sign-in on: the tree links to it, it shows the
// figures the API has with a chart per KPI, "send me this now" reaches a real SMTP server,
// and the emailed unsubscribe link works in a fresh browser that never signed in.

const BASE = 'http://northstar.test';
const HOUR = 3_600_000;

let smtp: SmtpReceiver;
let server: TestServer;
let browser: Browser;
let page: Page;
const mails: ParsedMail[] = [];

function config(smtpPort: number): string {
  return `
objectives:
  - { id: sales, name: Sell more, owner: admin, review: weekly }
kpis:
  - { id: orders, name: Orders, objective: sales, owner: admin, metric: e.orders, aggregation: count, window: 24h, unit: orders, target: 30 }
  - { id: latency, name: Checkout latency, objective: sales, owner: kim, metric: e.latency, aggregation: avg, window: 24h, unit: ms, direction: lower_is_better, target: 300 }
notifications:
  channels:
    - { id: mail, type: email, smtpUrl: "smtp://127.0.0.1:${smtpPort}", from: northstar@example.com, to: [ops@example.com] }
  digests:
    email: mail
    baseUrl: ${BASE}
    checkEvery: 24h
    people:
      - { name: admin, email: admin@example.com }
      - { name: kim, email: kim@example.com }
`;
}

beforeAll(async () => {
  smtp = await startSmtpReceiver(async (mail) => {
    mails.push(await simpleParser(mail.raw, { keepCidLinks: true }));
  });
  server = await startWallServer({ config: config(smtp.port) });
  // eight days of history, so each chart has a trend over a full week: orders every 2 h, latency rising
  const now = Date.now();
  const events = Array.from({ length: 96 }, (_, i) => {
    const ts = new Date(now - (96 - i) * 2 * HOUR + 30 * 60_000).toISOString();
    return [
      { metric: 'e.orders', value: 1, ts, id: `o-${i}` },
      { metric: 'e.latency', value: 180 + i * 1.2, ts, id: `l-${i}` },
    ];
  }).flat();
  const res = await apiFetch(server, '/api/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(res.status).toBe(202);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await signIn(page, server);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.close();
});

describe('the digest preview', () => {
  it('opens from the tree and shows the objective, each KPI at the attainment the API has, with a chart', async () => {
    const kpi = async (id: string) =>
      (await (await apiFetch(server, `/api/v1/kpis/${id}`)).json()) as { state: { value: number | null; attainment: number | null } };
    await expect.poll(async () => (await kpi('orders')).state.value, { timeout: 20_000 }).toBeGreaterThanOrEqual(10);
    await page.goto(`${server.url}/#/tree`);
    await page.getByTestId('tree-objective-sales').getByTestId('tree-digest').click();
    await page.waitForURL(/#\/digest\/sales$/);
    const preview = page.getByTestId('digest-preview');
    await preview.locator('h1').waitFor({ timeout: 20_000 });
    expect(await preview.locator('h1').innerText()).toBe('Sell more');
    expect(await page.getByTestId('digest-subject').innerText()).toMatch(/^Sell more: .* \(\d{4}-W\d{2} review digest\)$/);
    expect(await page.getByTestId('digest-recipient').allInnerTexts()).toEqual(['admin (email)', 'kim (email)']);
    for (const id of ['orders', 'latency']) {
      const { state } = await kpi(id);
      const row = preview.locator(`tr[data-kpi="${id}"]`);
      expect(await row.locator('[data-attainment]').getAttribute('data-attainment')).toBe(String(state.attainment));
      expect(await row.locator('[data-attainment]').innerText()).toBe(`${Math.round(state.attainment as number)} %`);
      // the chart: an SVG drawn on the server, shown as an image that loaded
      const img = row.locator('img');
      expect(await img.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    }
    expect(await preview.getByRole('link', { name: 'Check in on Sell more' }).getAttribute('href')).toBe(
      `${BASE}/#/checkin/objective/sales`,
    );
    if (process.env.NORTHSTAR_DOC_SHOTS) {
      const dir = path.resolve(import.meta.dirname, '../docs/img');
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, 'digest-preview.png'), fullPage: true });
    }
  });

  it('sends it to me now, and its unsubscribe link works in a browser that never signed in', async () => {
    await page.getByTestId('digest-send').click();
    await expect.poll(() => page.getByTestId('digest-status').innerText(), { timeout: 20_000 }).toBe('Sent to your email.');
    await expect.poll(() => mails.filter((m) => JSON.stringify(m.to).includes('admin@example.com')).length).toBe(1);
    const mail = mails.find((m) => JSON.stringify(m.to).includes('admin@example.com')) as ParsedMail;
    expect(mail.attachments.filter((a) => a.contentType === 'image/png')).toHaveLength(2);
    const link = /href="([^"]*\/api\/v1\/digests\/unsubscribe\?token=[^"]+)"/.exec(String(mail.html))?.[1]?.replaceAll('&amp;', '&');
    expect(link).toBeDefined();

    const stranger = await browser.newContext();
    try {
      const tab = await stranger.newPage();
      await tab.goto((link as string).replace(BASE, server.url));
      expect(await tab.getByTestId('unsubscribed').innerText()).toBe('admin will no longer get the review digest of Sell more.');
    } finally {
      await stranger.close();
    }
    // the signed-in page now offers to subscribe again, and doing so takes effect
    await page.reload();
    const toggle = page.getByTestId('digest-subscribe');
    await expect.poll(() => toggle.innerText(), { timeout: 20_000 }).toBe('Subscribe');
    await toggle.click();
    await expect.poll(() => toggle.innerText()).toBe('Unsubscribe');
    await delay(100);
    expect(await page.getByTestId('digest-status').innerText()).toBe('Subscribed: you will get this digest.');
  });

  it('is configured in the objective editor, kept in the model, and the digest page says when it is off', async () => {
    await page.goto(`${server.url}/#/edit/objective/sales`);
    const form = page.getByTestId('objective-form');
    await expect.poll(() => form.locator('[name=name]').inputValue(), { timeout: 20_000 }).toBe('Sell more');
    await form.locator('[name="digest.cadence"]').selectOption('monthly');
    await form.locator('[name="digest.subscribers"]').fill('sam, lee');
    await form.locator('[name="digest.enabled"]').uncheck();
    await page.getByTestId('save').click();
    await expect
      .poll(async () => ((await (await apiFetch(server, '/api/v1/objectives/sales')).json()) as { digest?: unknown }).digest, {
        timeout: 20_000,
      })
      .toEqual({ enabled: false, cadence: 'monthly', subscribers: ['sam', 'lee'] });
    await page.goto(`${server.url}/#/digest/sales`);
    await page.getByTestId('digest-off').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('digest-recipient').allInnerTexts()).toEqual([
      'admin (email)',
      'kim (email)',
      'sam (no address)',
      'lee (no address)',
    ]);
    expect(await page.getByTestId('digest-subject').innerText()).toMatch(/\(\d{4}-\d{2} review digest\)$/);
  });
});
