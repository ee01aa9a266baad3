import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startWallServer } from './support/browser.ts';
import type { TestServer } from './support/harness.ts';
import { oidcEnv, startTestProvider, type TestProvider } from './support/oidc-provider.ts';

/**
 * Single sign-on in a real browser: the login page's "Sign in with Test IdP" goes to a real
 * OpenID provider (oidc-provider on loopback), its login form, and back to the wall with the
 * role the person's groups map to.
 */

let provider: TestProvider;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  provider = await startTestProvider({
    carol: {
      password: 'carol-secret-pass',
      claims: { preferred_username: 'carol', email: 'carol@example.com', name: 'Carol', groups: ['staff', 'wall-editors'] },
    },
    dave: {
      password: 'dave-secret-pass',
      claims: { preferred_username: 'dave', email: 'dave@example.com', name: 'Dave', groups: ['contractors'] },
    },
  });
  server = await startWallServer({ env: oidcEnv(provider) });
  provider.register(`${server.url}/api/v1/auth/oidc/callback`);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await provider?.stop();
});

/** A fresh browser profile that may talk to loopback only. */
async function freshPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  await context.route('**/*', (route) => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
  });
  return { context, page: await context.newPage() };
}

async function throughProvider(page: Page, login: string, password: string): Promise<void> {
  await page.getByTestId('login-sso').click();
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.getByLabel('Email or user').fill(login);
  await page.getByLabel('Secret').fill(password);
  await page.getByRole('button', { name: 'Continue to Northstar' }).click();
}

describe('OIDC sign-in in Chromium', () => {
  it('signs in through the provider and lands on the page asked for, with the mapped role', async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(`${server.url}/#/kpi/revenue`);
      await page.getByTestId('login-page').waitFor();
      await expect.poll(() => page.getByTestId('login-sso').textContent()).toBe('Sign in with Test IdP');
      await throughProvider(page, 'carol', 'carol-secret-pass');
      await page.getByTestId('account').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('nav-admin').textContent()).toMatch(/carol\s*\(editor\)/);
      expect(new URL(page.url()).hash).toBe('#/kpi/revenue');
      // the wall's own API calls carry the session: an editor's write passes the CSRF check
      const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).json());
      expect(me).toMatchObject({ auth: true, user: { name: 'carol', role: 'editor' } });
      await page.goto(`${server.url}/#/`);
      await page.getByTestId('account').waitFor();
      expect(provider.seen).toContain('/token');
    } finally {
      await context.close();
    }
  });

  it('shows plainly why someone without a mapped role is not let in', async () => {
    const { context, page } = await freshPage();
    try {
      await page.goto(`${server.url}/#/login`);
      await page.getByTestId('login-sso').waitFor();
      await throughProvider(page, 'dave', 'dave-secret-pass');
      const error = page.getByTestId('login-error');
      await error.waitFor({ timeout: 15_000 });
      expect(await error.textContent()).toMatch(/dave.*has no Northstar role/);
      expect(await page.getByTestId('account').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
