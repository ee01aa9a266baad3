import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeResponse } from '@northstar/shared';
import { launchChromium, signIn, WEB_DIST } from './support/browser.ts';
import type { TestServer } from './support/harness.ts';
import { FAULT_CONFIG, startCliServer, waitReady, type CliServer } from './support/server-process.ts';
import { startStoreProcess, type StoreProcess } from './support/store-process.ts';

/**
 * A person signed in on one instance is signed in on the other: two `northstar serve` on one
 * `northstar store`, the built wall in Chromium with sign-in on. The browser sends the session
 * cookie to both (one host, two ports: as behind a load balancer), and the instance that did
 * not start the session finds it, and its user, in the shared store.
 */
const TOKEN = 'shared-store-e2e-token-0123456789';
let root: string;
let store: StoreProcess;
let browser: Browser | undefined;
const instances: CliServer[] = [];

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'northstar-shared-e2e-'));
  const configPath = path.join(root, 'northstar.yaml');
  writeFileSync(configPath, FAULT_CONFIG);
  store = await startStoreProcess(path.join(root, 'store'), { password: 'shared-e2e-store-password' });
  const env = {
    CLICKHOUSE_URL: store.url,
    CLICKHOUSE_USER: store.user,
    CLICKHOUSE_PASSWORD: store.password,
    NORTHSTAR_AUTH: 'on',
    NORTHSTAR_API_TOKEN: TOKEN,
    NORTHSTAR_WEB_DIR: WEB_DIST,
  };
  for (const name of ['a', 'b']) {
    const server = await startCliServer({ dataDir: path.join(root, `data-${name}`), configPath, remove: () => undefined }, env);
    instances.push(server);
    await waitReady(server);
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const s of instances) await s.terminate();
  await store?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
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
