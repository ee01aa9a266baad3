import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeResponse } from '@northstar/shared';
import { launchChromium, signIn, WEB_DIST } from './support/browser.ts';
import type { TestServer } from './support/harness.ts';
import { waitReady, type CliServer } from './support/server-process.ts';
import { startSharedStore, type SharedStore } from './support/shared-store.ts';

/**
 * A person signed in on one instance is signed in on the other: two `northstar serve` on one
 * `northstar store`, the built wall in Chromium with sign-in on. The browser sends the session
 * cookie to both (one host, two ports: as behind a load balancer), and the instance that did
 * not start the session finds it, and its user, in the shared store.
 */
const TOKEN = 'shared-store-e2e-token-0123456789';
let shared: SharedStore | undefined;
let browser: Browser | undefined;
let instances: CliServer[] = [];

beforeAll(async () => {
  shared = await startSharedStore('northstar-shared-e2e', 'shared-e2e-store-password');
  instances = shared.instances;
  const env = {
    NORTHSTAR_AUTH: 'on',
    NORTHSTAR_API_TOKEN: TOKEN,
    NORTHSTAR_WEB_DIR: WEB_DIST,
  };
  for (const name of ['a', 'b']) {
    await waitReady(await shared.startInstance(name, env));
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await shared?.stop();
});

describe('sign-in shared by two instances, in a browser', () => {
  it('signs in on A and is signed in on B', async () => {
    const [a, b] = [instances[0]!, instances[1]!];
    // a user made on A after B loaded its users: B has not seen it yet
    const made = await fetch(`${a.url}/api/v1/auth/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ana', role: 'editor', password: 'ana-long-password-1' }),
    });
    expect(made.status).toBe(201);
    const page = await (await browser!.newContext()).newPage();
    await signIn(page, { url: a.url } as TestServer, 'ana', 'ana-long-password-1');
    await page.goto(`${b.url}/`);
    await page.getByTestId('account').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('login-page').count()).toBe(0);
    const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).json());
    expect(me as MeResponse).toMatchObject({ auth: true, user: { name: 'ana', role: 'editor' } });
  });
});
