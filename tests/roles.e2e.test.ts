import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Alert, CreatedToken } from '@northstar/shared';
import { loginSession, startTestServer, waitFor, type TestServer } from './support/harness.ts';
import { WEB_DIST, launchChromium } from './support/browser.ts';

/** An objective with a KPI, a board, and a rule that fires as soon as the KPI is above 10 (so the alerts panel has a row). */
const CONFIG = `
objectives:
  - { id: platform, name: Keep the platform up, owner: Ravi }
kpis:
  - { id: errors, name: Errors, objective: platform, metric: roles.errors, aggregation: count, window: 1h, unit: errors, direction: lower_is_better, target: 10 }
boards:
  - { id: ops-room, name: Ops room, kpis: [errors] }
rules:
  - id: spike
    name: Error spike
    kpis: [errors]
    severity: critical
    for: 0s
    condition: { type: threshold, op: '>', value: 10 }
`;

const PASSWORD = 'correct horse battery';
const ROLE_MESSAGE = 'You need the editor role to change this; you are a viewer';

let server: TestServer;
let browser: Browser;
let admin: { cookie: string; csrf: string };

/** A call as the bootstrap admin, the way the admin page makes it (session cookie and CSRF token). */
async function asAdmin(method: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

beforeAll(async () => {
  server = await startTestServer({ webDir: WEB_DIST, config: CONFIG, env: { NORTHSTAR_AUTH: 'on' } });
  browser = await launchChromium();

  admin = await loginSession(server);

  for (const [name, role] of [
    ['vera', 'viewer'],
    ['eddie', 'editor'],
  ] as const) {
    expect((await asAdmin('POST', '/api/v1/auth/users', { name, role, password: PASSWORD })).status).toBe(201);
  }

  // an alert to act on: a machine ingests a spike with an ingest token
  const created = await asAdmin('POST', '/api/v1/auth/tokens', { name: 'roles-ingest', scopes: ['ingest'] });
  expect(created.status).toBe(201);
  const { token } = (await created.json()) as CreatedToken;
  const events = Array.from({ length: 15 }, (_, i) => JSON.stringify({ metric: 'roles.errors', value: 1, id: `roles-${i}` })).join('\n');
  const ingest = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${token}` },
    body: events,
  });
  expect(ingest.status).toBe(202);
  await waitFor(async () => {
    const res = await asAdmin('GET', '/api/v1/alerts', undefined);
    const alerts = (await res.json()) as Alert[];
    return alerts.some((a) => a.key === 'spike/errors/' && a.state === 'alerting') ? true : undefined;
  }, 'the spike alert to fire');
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(name: string, role: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/#/tree`);
  await page.getByTestId('login-page').waitFor();
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/#\/tree$/);
  // the session is known (not still loading) before anything is counted
  await expect.poll(() => page.getByTestId('account').textContent()).toContain(`(${role})`);
  return { context, page };
}

/** How many of each write control a page shows, once its content (`ready`) is there. */
async function controls(page: Page, hash: string, ready: string, testids: readonly string[]): Promise<Record<string, number>> {
  await page.goto(`${server.url}/${hash}`);
  await page.getByTestId(ready).waitFor();
  const counts: Record<string, number> = {};
  for (const id of testids) counts[id] = await page.getByTestId(id).count();
  return counts;
}

const TREE = ['add-objective', 'add-kpi', 'tree-actions'] as const;
const BOARDS = ['new-board', 'edit-board-ops-room', 'kiosk-ops-room'] as const;
const KPI = ['kpi-edit', 'kpi-checkin', 'annotation-form'] as const;
const RULES = ['add-rule', 'rule-link'] as const;
const ALERT_ROW = ['ack', 'silence-1h', 'feedback-real', 'feedback-not-real'] as const;

describe('write controls follow the signed-in role in Chromium', () => {
  it('shows a viewer no edit controls anywhere, and the role instead of an editor form', async () => {
    const { context, page } = await signIn('vera', 'viewer');
    const none = (ids: readonly string[]) => Object.fromEntries(ids.map((id) => [id, 0]));

    expect(await controls(page, '#/tree', 'tree-objective-platform', TREE)).toEqual(none(TREE));
    expect(await controls(page, '#/boards', 'board-ops-room', BOARDS)).toEqual(none(BOARDS));
    expect(await controls(page, '#/kpi/errors', 'kpi-value', KPI)).toEqual(none(KPI));
    expect(await controls(page, '#/rules', 'rule-spike', RULES)).toEqual(none(RULES));
    // the rule is still listed by name, only not as a link to its editor
    expect(await page.getByTestId('rule-spike').getByTestId('rule-name').textContent()).toBe('Error spike');
    // the alert is shown, with nothing to acknowledge, silence or judge
    expect(await controls(page, '#/', 'alert-row', ALERT_ROW)).toEqual(none(ALERT_ROW));
    expect(await page.getByTestId('alert-row').getAttribute('data-key')).toBe('spike/errors/');

    for (const hash of [
      '#/edit/kpi/errors',
      '#/edit/objective/new',
      '#/edit/board/ops-room',
      '#/edit/rule/spike',
      '#/checkin/kpi/errors',
    ]) {
      await page.goto(`${server.url}/${hash}`);
      await expect.poll(() => page.getByTestId('role-notice').textContent(), { message: hash }).toContain(ROLE_MESSAGE);
      expect(await page.locator('form').count(), hash).toBe(0);
    }
    await context.close();
  });

  it('shows an editor every one of them, and the editor form', async () => {
    const { context, page } = await signIn('eddie', 'editor');

    const tree = await controls(page, '#/tree', 'tree-objective-platform', TREE);
    expect(tree['add-objective']).toBe(1);
    expect(tree['add-kpi']).toBe(1);
    expect(tree['tree-actions']).toBe(2); // the objective's row and its KPI's
    expect(await controls(page, '#/boards', 'board-ops-room', BOARDS)).toEqual({
      'new-board': 1,
      'edit-board-ops-room': 1,
      'kiosk-ops-room': 1,
    });
    expect(await controls(page, '#/kpi/errors', 'kpi-value', KPI)).toEqual({ 'kpi-edit': 1, 'kpi-checkin': 1, 'annotation-form': 1 });
    expect(await controls(page, '#/rules', 'rule-spike', RULES)).toEqual({ 'add-rule': 1, 'rule-link': 1 });
    expect(await controls(page, '#/', 'alert-row', ALERT_ROW)).toEqual({
      ack: 1,
      'silence-1h': 1,
      'feedback-real': 1,
      'feedback-not-real': 1,
    });

    await page.goto(`${server.url}/#/edit/kpi/errors`);
    await expect.poll(() => page.getByTestId('kpi-form').locator('[name=name]').inputValue()).toBe('Errors');
    expect(await page.getByTestId('role-notice').count()).toBe(0);
    await context.close();
  });
});
