import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { CreatedToken } from '@northstar/shared';
import { loginSession, startTestServer, TEST_CONFIG, type TestServer } from './support/harness.ts';
import { WEB_DIST, launchChromium } from './support/browser.ts';

const CONFIG = `${TEST_CONFIG}
boards:
  - { id: ops-room, name: Ops room, kpis: [orders, revenue] }
`;

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ webDir: WEB_DIST, config: CONFIG, env: { NORTHSTAR_AUTH: 'on' } });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A kiosk link made the way an editor makes one (here: the bootstrap admin, over the API). */
async function kioskToken(): Promise<string> {
  const admin = await loginSession(server);
  const res = await fetch(`${server.url}/api/v1/auth/kiosk-tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    body: JSON.stringify({ board: 'ops-room' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as CreatedToken).token;
}

describe('signing in and kiosk links in Chromium', () => {
  it('sends a visitor to the login page, and after signing in shows the wall', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/#/tree`);
    await page.getByTestId('login-page').waitFor();
    expect(page.url()).toContain('#/login?next=%2Ftree');

    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/wrong user name or password/i);

    await page.getByLabel('Password').fill(server.bootstrap!.password);
    await page.getByTestId('login-submit').click();
    // back where it was going, signed in, then the wall with live tiles
    await page.waitForURL(/#\/tree$/);
    await expect.poll(() => page.getByTestId('account').textContent()).toContain('admin');
    await page.getByTestId('nav-wall').click();
    await page.locator('[data-testid="tile-orders"]').waitFor();

    // a change made in the UI is recorded as the signed-in user (the CSRF token goes with it); no name to type
    await page.goto(`${server.url}/#/edit/objective/new`);
    const form = page.getByTestId('objective-form');
    await form.locator('[name=id]').fill('signed-in');
    await form.locator('[name=name]').fill('Made while signed in');
    await form.locator('[name=period]').fill('2026-Q4');
    expect(await page.locator('[name=author]').count()).toBe(0);
    await page.getByTestId('save').click();
    await page.waitForURL(/#\/edit\/objective\/signed-in/);
    expect((await server.model.history('objective', 'signed-in'))[0]?.author).toBe('admin');

    // the board page offers kiosk links to an editor or admin
    await page.getByTestId('nav-boards').click();
    await page.getByTestId('kiosk-ops-room').click();
    await page.getByTestId('kiosk-create-ops-room').click();
    const link = await page.getByTestId('kiosk-link-ops-room').inputValue();
    expect(link).toMatch(/#\/tv\?boards=ops-room&kiosk=nsk_/);

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-page').waitFor();
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('login-page').waitFor();
    await context.close();
  });

  it('opens a kiosk TV link in a fresh browser without any login page, and keeps it across a reload', async () => {
    const token = await kioskToken();
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/#/tv?boards=ops-room&kiosk=${token}`);
    const tv = page.getByTestId('tv');
    await tv.waitFor();
    await expect.poll(() => tv.getAttribute('data-board'), { timeout: 10_000 }).toBe('ops-room');
    await page.locator('[data-testid="tv"] [data-testid="tile-orders"][data-status]').waitFor();
    await page.locator('[data-testid="tv"] [data-testid="tile-revenue"][data-status]').waitFor();
    expect(await page.getByTestId('login-page').count()).toBe(0);

    await page.reload();
    await page.locator('[data-testid="tv"] [data-testid="tile-orders"][data-status]').waitFor();
    expect(page.url()).toContain('#/tv?boards=ops-room&kiosk=');
    expect(await page.getByTestId('login-page').count()).toBe(0);
    await context.close();
  });
});
