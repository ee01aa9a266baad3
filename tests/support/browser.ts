import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { AUTH_ON_ENV, startTestServer, type TestServer, type TestServerOptions } from './harness.ts';

/** Debian's Chromium; playwright's own browser download does not work here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags this machine needs: no sandbox as root, and no background calls to the closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const WEB_DIST = path.resolve(import.meta.dirname, '../../apps/web/dist');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`npm test\` (it installs it) or apt-get install chromium`);
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error(`the wall is not built at ${WEB_DIST}: run \`pnpm build\``);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

export interface WallInChromium {
  server: TestServer;
  browser: Browser;
  page: Page;
}

/**
 * A test server serving the built wall with sign-in ON, as the product ships: users, sessions,
 * CSRF. The test's own API calls use TEST_API_TOKEN (apiFetch, postEvents). A test about the
 * auth-off demo passes `env: { NORTHSTAR_AUTH: 'off' }`.
 */
export function startWallServer(options: Omit<TestServerOptions, 'webDir'> = {}): Promise<TestServer> {
  return startTestServer({ ...options, env: { ...AUTH_ON_ENV, ...options.env }, webDir: WEB_DIST });
}

/**
 * Signs in through the real login page, as a person does: the browser gets the session cookie,
 * and the app reads its CSRF token from /api/v1/auth/me. Leaves the page on the wall.
 */
export async function signIn(
  page: Page,
  server: TestServer,
  username = 'admin',
  password = server.bootstrap?.password ?? '',
): Promise<void> {
  await page.goto(`${server.url}/#/login`);
  await page.getByTestId('login-page').waitFor();
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('account').waitFor({ timeout: 15_000 });
}

/** A test server serving the built wall, and one Chromium page of `viewport`, signed in as the bootstrap admin when auth is on. */
export async function openWall(
  options: Omit<TestServerOptions, 'webDir'> = {},
  viewport = { width: 1920, height: 1080 },
): Promise<WallInChromium> {
  const server = await startWallServer(options);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    // a context of its own, so a test can open another tab of the same signed-in browser
    const page = await (await browser.newContext({ viewport })).newPage();
    if (server.settings.authEnabled) await signIn(page, server);
    return { server, browser, page };
  } catch (err) {
    await browser?.close();
    await server.stop();
    throw err;
  }
}

/** Closes what openWall opened; either part may be missing when it failed half way. */
export async function closeWall({ server, browser }: { server?: TestServer; browser?: Browser }): Promise<void> {
  await browser?.close();
  await server?.stop();
}

/**
 * openWall before the file's tests and closeWall after them, the set-up every wall e2e file
 * shares. `onOpen` takes the opened wall (to keep its parts, seed data) before any test runs.
 */
export function useWall(
  onOpen: (wall: WallInChromium) => unknown,
  options: Omit<TestServerOptions, 'webDir'> = {},
  viewport?: { width: number; height: number },
): void {
  let wall: WallInChromium | undefined;
  beforeAll(async () => {
    wall = await openWall(options, viewport);
    await onOpen(wall);
  });
  afterAll(() => closeWall({ server: wall?.server, browser: wall?.browser }));
}
