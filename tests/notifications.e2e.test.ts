import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { CreatedShare } from '@northstar/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFetch, postEvents, waitFor, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';
import { startOncallReceiver, type OncallReceiver } from './support/oncall.ts';
import { startSlackApiReceiver, type SlackApiReceiver } from './support/slack-api.ts';

/**
 * The notifications settings page with sign-in on (issue 18.7): an admin adds a Slack channel
 * and a route in the UI, the secret URL is masked from then on (list and edit form), a
 * test-send reaches the receiver process; switched to Slack's Web API mode (a bot token and a
 * conversation id), a test-send reaches the Web API stand-in; and an origin the admin allows in the app can embed
 * a board at once, without a restart.
 */

const CONFIG = `
objectives:
  - { id: sales, name: Sell more, owner: Ana, period: 2026-Q4 }
kpis:
  - { id: orders, name: Orders, objective: sales, metric: test.orders, aggregation: count, window: 1h, unit: orders, target: 100 }
boards:
  - { id: shop, name: Shop floor, kpis: [orders] }
notifications:
  channels:
    - { id: file-room, type: teams, url: 'http://127.0.0.1:9/teams/webhook?sig=fromthefile0123' }
`;

const SLACK_TOKEN = 'T0001/B0002/SeCrEtToKeN9876wxyz';
const SLACK_BOT_TOKEN = 'xoxb-e2e-0001-BoTsEcReT9876';
const SLACK_CONVERSATION = 'C0E2EROOM01';

/** A page on another origin with one iframe of `src()`: an intranet page embedding a view. */
async function embeddingPage(src: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Intranet</title><h1>Intranet</h1><iframe src="${src()}" width="1000" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let server: TestServer;
let page: Page;
let browser: Browser;
let receiver: OncallReceiver;
let slackApi: SlackApiReceiver;
let embedSrc = '';
const intranet = await embeddingPage(() => embedSrc);

useWall(
  (wall) => {
    ({ server, page, browser } = wall);
  },
  { config: CONFIG },
  { width: 1400, height: 900 },
);

beforeAll(async () => {
  receiver = await startOncallReceiver('pd-unused-key-0123456789', 'genie-unused-key-0123456789');
  slackApi = await startSlackApiReceiver(SLACK_BOT_TOKEN, SLACK_CONVERSATION);
});
afterAll(() => {
  receiver?.stop();
  slackApi?.stop();
  intranet.server.close();
});

describe('notification settings in a browser (sign-in on)', () => {
  it('an admin adds a channel and a route; the secret is masked afterwards and a test-send arrives', async () => {
    const secretUrl = `${receiver.base}/slack/webhook?path=${encodeURIComponent(SLACK_TOKEN)}`;
    await page.goto(`${server.url}/#/notifications`);
    await page.getByTestId('notifications-page').waitFor();
    // the config file's channel is listed, read-only
    const fileRow = page.getByTestId('channel-file-room');
    await expect.poll(() => fileRow.textContent()).toContain('from config');
    expect(await fileRow.getByRole('button', { name: 'Edit' }).count()).toBe(0);

    await page.getByTestId('add-channel').click();
    const form = page.getByTestId('channel-form');
    await form.getByLabel('Id').fill('ops-slack');
    await form.getByLabel('Name').fill('Ops room');
    await form.getByLabel('Type').selectOption('slack');
    await form.getByLabel('Incoming-webhook URL').fill(secretUrl);
    await form.getByRole('button', { name: 'Save channel' }).click();
    const row = page.getByTestId('channel-ops-slack');
    await row.waitFor();
    expect(await page.getByTestId('channel-secrets-ops-slack').textContent()).toContain('url: set, ends …wxyz');
    // the secret is nowhere on the page, and not in the edit form either
    expect(await page.content()).not.toContain('SeCrEtToKeN');
    await row.getByRole('button', { name: 'Edit' }).click();
    const url = page.getByTestId('channel-form').getByLabel('Incoming-webhook URL');
    expect(await url.inputValue()).toBe('');
    expect(await url.getAttribute('placeholder')).toContain('set, ends …wxyz');
    // saving without re-entering it keeps it
    await page.getByTestId('channel-form').getByLabel('Name').fill('Ops room (renamed)');
    await page.getByTestId('channel-form').getByRole('button', { name: 'Save channel' }).click();
    await expect.poll(() => row.textContent()).toContain('Ops room (renamed)');

    await page.getByTestId('test-ops-slack').click();
    await expect.poll(() => page.getByTestId('test-result-ops-slack').textContent(), { timeout: 20_000 }).toContain('Delivered');
    const got = await receiver.state();
    expect(got.slack.rejected).toEqual([]);
    expect(got.slack.messages.length).toBe(1);
    expect(got.slack.messages[0]?.text).toContain('Test');

    await page.getByTestId('add-route').click();
    const routeForm = page.getByTestId('route-form');
    await routeForm.getByLabel('Id').fill('critical-to-ops');
    await routeForm.getByLabel('critical').check();
    await routeForm.getByLabel('ops-slack').check();
    await routeForm.getByLabel('Group wait').fill('0s');
    await routeForm.getByRole('button', { name: 'Save route' }).click();
    const routeRow = page.getByTestId('route-critical-to-ops');
    await routeRow.waitFor();
    expect(await routeRow.textContent()).toContain('severity critical');
    expect(await routeRow.textContent()).toContain('ops-slack');
    await page.screenshot({ path: '/tmp/notifications-settings.png', fullPage: true });

    // a mistake says what and where, and keeps what was entered
    await page.getByTestId('add-route').click();
    await page.getByTestId('route-form').getByLabel('Id').fill('bad-wait');
    await page.getByTestId('route-form').getByLabel('ops-slack').check();
    await page.getByTestId('route-form').getByLabel('Group wait').fill('soon');
    await page.getByTestId('route-form').getByRole('button', { name: 'Save route' }).click();
    await expect.poll(() => page.getByTestId('notifications-error').textContent()).toContain('groupWait');
    expect(await page.getByTestId('route-form').getByLabel('Group wait').inputValue()).toBe('soon');
  });

  it('an admin switches the Slack channel to the Web API (a bot token and a conversation id), and a test-send posts there', async () => {
    await page.goto(`${server.url}/#/notifications`);
    const row = page.getByTestId('channel-ops-slack');
    await row.waitFor();
    await row.getByRole('button', { name: 'Edit' }).click();
    const form = page.getByTestId('channel-form');
    // a conversation id without a token says what is missing and where
    await form.getByLabel('Conversation').fill('#ops');
    await form.getByRole('button', { name: 'Save channel' }).click();
    await expect.poll(() => page.getByTestId('notifications-error').textContent()).toContain('channelId');
    await form.getByLabel('Bot token').fill(SLACK_BOT_TOKEN);
    await form.getByLabel('Conversation').fill(SLACK_CONVERSATION);
    await form.getByLabel('Web API base URL').fill(slackApi.apiUrl);
    await form.getByRole('button', { name: 'Save channel' }).click();
    await expect.poll(() => page.getByTestId('channel-secrets-ops-slack').textContent()).toContain('botToken: set, ends …');
    expect(await page.getByTestId('channel-secrets-ops-slack').textContent()).not.toContain('url:');
    expect(await page.content()).not.toContain(SLACK_BOT_TOKEN);

    await page.getByTestId('test-ops-slack').click();
    await expect.poll(() => page.getByTestId('test-result-ops-slack').textContent(), { timeout: 20_000 }).toContain('Delivered');
    const got = await slackApi.state();
    expect(got.rejected).toEqual([]);
    expect(got.messages).toHaveLength(1);
    expect(got.messages[0]?.metadata?.event_type).toBe('northstar_notification');
    expect(got.messages[0]?.text).toContain('Test');
  });

  it('an origin allowed on the page embeds a board at once, without a restart', async () => {
    await postEvents(server, [{ metric: 'test.orders', value: 1, id: 'o1' }]);
    const res = await apiFetch(server, '/api/v1/shares', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ view: { kind: 'board', board: 'shop' } }),
    });
    expect(res.status).toBe(201);
    embedSrc = `${server.url}/#/share?token=${encodeURIComponent(((await res.json()) as CreatedShare).token)}`;

    const guestPage = async () => (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    // before: refused
    const before = await guestPage();
    const refusals: string[] = [];
    before.on('console', (m) => refusals.push(m.text()));
    await before.goto(intranet.origin);
    await waitFor(() => (refusals.some((m) => m.includes('frame-ancestors')) ? true : undefined), 'Chromium to refuse the frame');
    await before.context().close();

    await page.goto(`${server.url}/#/notifications`);
    await page.getByTestId('embed-origins').fill(`${intranet.origin}\nhttps://*.intranet.example.com`);
    await page.getByTestId('embed-form').getByRole('button', { name: 'Save origins' }).click();
    await expect.poll(() => page.getByTestId('notifications-notice').textContent()).toContain('Embed origins saved');

    const after = await guestPage();
    await after.goto(intranet.origin);
    await after.frameLocator('iframe').locator('[data-testid="tile-orders"]').waitFor({ timeout: 15_000 });
    await after.screenshot({ path: '/tmp/embed-allowed-in-app.png' });
    await after.context().close();

    // a wildcard for every site is refused, with the origin named, and the saved list stays
    await page.getByTestId('embed-origins').fill('https://*');
    await page.getByTestId('embed-form').getByRole('button', { name: 'Save origins' }).click();
    await expect.poll(() => page.getByTestId('notifications-error').textContent()).toContain('"https://*" may only use a wildcard');
    const csp = (await fetch(`${server.url}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${intranet.origin} https://*.intranet.example.com`);
  });
});
