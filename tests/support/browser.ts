import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer, type TestServerOptions } from './harness.ts';

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

/** A test server serving the built wall, and one Chromium page of `viewport` to look at it with. */
export async function openWall(
  options: Omit<TestServerOptions, 'webDir'> = {},
  viewport = { width: 1920, height: 1080 },
): Promise<WallInChromium> {
  const server = await startTestServer({ ...options, webDir: WEB_DIST });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    return { server, browser, page: await browser.newPage({ viewport }) };
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
