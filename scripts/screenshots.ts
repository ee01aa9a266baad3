/**
 * Takes the README's screenshots from real Chromium against the demo: the wall, the TV, a KPI
 * page, the objective tree and the wall on a phone, signed in as the admin.
 *
 *   node --import tsx scripts/screenshots.ts                 # starts its own demo (temp data dir, free port)
 *   node --import tsx scripts/screenshots.ts --url http://127.0.0.1:9090 --password <admin password>
 *
 * Options: --out <dir> (default docs/screenshots), --wait <seconds> at most for the demo's
 * backfill (history since midnight) to catch up, so no tile is stale (default 600), --chromium
 * <path> (default /usr/bin/chromium).
 * Needs `pnpm build` first (the server serves apps/web/dist). Everything stays on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = path.resolve(import.meta.dirname, '..');

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' },
    password: { type: 'string' },
    user: { type: 'string', default: 'admin' },
    out: { type: 'string', default: path.join(ROOT, 'docs/screenshots') },
    wait: { type: 'string', default: '600' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});

/** A port the kernel says is free now, on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Demo {
  url: string;
  password: string;
  stop(): Promise<void>;
}

/** `northstar serve --demo` on a free loopback port and a fresh data directory; the admin password from its first-start message. */
async function startDemo(): Promise<Demo> {
  if (!existsSync(path.join(ROOT, 'apps/web/dist/index.html'))) throw new Error('the wall is not built: run `pnpm build` first');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-screenshots-'));
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/server/src/cli.ts', 'serve', '--demo', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = await new Promise<{ url: string; password: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const url = /Northstar is live at (http:\/\/\S+)/.exec(out)?.[1];
      const password = /password:\s+(\S+)/.exec(out)?.[1];
      if (url && password) resolve({ url, password });
    });
    void exited.then(() => reject(new Error(`the demo server exited during start-up:\n${out}`)));
  });
  return {
    ...started,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function signIn(page: Page, url: string, user: string, password: string): Promise<void> {
  await page.goto(`${url}/#/login`);
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('account').waitFor({ timeout: 20_000 });
}

/** Opens `hash`, waits for `ready` and a quiet moment (charts drawn, values eased in), and saves the picture. */
async function shoot(page: Page, url: string, hash: string, ready: string, file: string): Promise<void> {
  await page.goto(`${url}/${hash}`);
  await page.locator(ready).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(2_500);
  await page.screenshot({ path: file });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

/** Waits until the wall shows every tile live (the backfill has reached now), then 20 s more of live traffic. */
async function caughtUp(page: Page, url: string, timeoutMs: number): Promise<void> {
  await page.goto(`${url}/#/`);
  await page.locator('[data-testid^="tile-"][data-status]').first().waitFor({ timeout: 60_000 });
  const started = Date.now();
  for (;;) {
    const stale = await page.locator('[data-testid^="tile-"][data-stale="true"]').count();
    if (stale === 0) break;
    if (Date.now() - started > timeoutMs) throw new Error(`${stale} tiles still stale after ${timeoutMs / 1000} s`);
    console.log(`waiting for the demo's backfill: ${stale} tiles stale`);
    await page.waitForTimeout(10_000);
  }
  await page.waitForTimeout(20_000);
}

async function main(): Promise<void> {
  const demo: Demo = opts.url
    ? { url: opts.url.replace(/\/+$/, ''), password: opts.password ?? '', stop: async () => undefined }
    : await startDemo();
  if (opts.url && !opts.password) throw new Error('--url needs --password (the admin password) too');
  let browser: Browser | undefined;
  try {
    mkdirSync(opts.out, { recursive: true });
    browser = await chromium.launch({
      executablePath: opts.chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    const desk = await browser.newContext({ viewport: { width: 1920, height: 1080 }, colorScheme: 'light' });
    const page = await desk.newPage();
    await signIn(page, demo.url, opts.user, demo.password);
    await caughtUp(page, demo.url, Number(opts.wait) * 1_000);
    const out = (name: string) => path.join(opts.out, `${name}.png`);
    await shoot(page, demo.url, '#/', '[data-testid^="tile-"][data-status]', out('wall'));
    await shoot(page, demo.url, '#/tv?boards=revenue-room', '[data-testid="tv"] [data-testid^="tile-"]', out('tv'));
    await shoot(page, demo.url, '#/kpi/revenue-today', '[data-testid="kpi-chart"]', out('kpi'));
    await shoot(page, demo.url, '#/tree', '[data-testid="tree"], [data-testid^="tree-"]', out('tree'));

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const phonePage = await phone.newPage();
    await signIn(phonePage, demo.url, opts.user, demo.password);
    await shoot(phonePage, demo.url, '#/', '[data-testid^="tile-"][data-status]', out('phone'));
  } finally {
    await browser?.close();
    await demo.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
