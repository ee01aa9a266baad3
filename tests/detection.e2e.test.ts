import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { BacktestResponse } from '@northstar/shared';
import { loginSession, postEvents, type TestServer } from './support/harness.ts';
import { launchChromium, signIn, startWallServer } from './support/browser.ts';

const CONFIG = `
objectives:
  - { id: platform, name: Keep the platform up, owner: Ravi }
kpis:
  - { id: errors, name: Errors, objective: platform, metric: det.errors, aggregation: count, window: 1h, unit: errors, direction: lower_is_better, target: 10 }
rules:
  - id: odd
    name: Odd errors
    kpis: [errors]
    severity: warning
    condition: { type: anomaly }
`;

let server: TestServer;
let browser: Browser;
let admin: { cookie: string; csrf: string };

async function asAdmin(method: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie: admin.cookie, 'x-csrf-token': admin.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A fresh browser context signed in as the admin through the real login page. */
async function signedIn(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, server);
  await expect.poll(() => page.getByTestId('account').textContent()).toContain('(admin)');
  return page;
}

beforeAll(async () => {
  server = await startWallServer({ config: CONFIG });
  browser = await launchChromium();
  admin = await loginSession(server);
  // a few events, so the KPI has a value and a chart: far too little history to know its normal range
  const at = Date.now() - 40 * 60_000;
  await postEvents(
    server,
    Array.from({ length: 5 }, (_, i) => ({ metric: 'det.errors', value: 1, id: `det-${i}`, ts: at + i * 60_000 })),
  );
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('anomaly detection in Chromium, signed in', () => {
  it('shows on the rules page whose feedback moved a KPI threshold, and resets it', async () => {
    const missed = await asAdmin('POST', '/api/v1/detect/feedback', { kpi: 'errors', kind: 'missed', note: 'the night outage' });
    expect(missed.status).toBe(200);
    const page = await signedIn();
    await page.goto(`${server.url}/#/rules`);
    const row = page.getByTestId('detection-tuning').getByTestId('tuning-row');
    await expect.poll(() => row.getAttribute('data-steps')).toBe('-1');
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('Errors');
    expect(text).toContain('lowered 1 step');
    expect(text).toContain('“missed” by admin');
    expect(text).toContain('the night outage');

    await row.getByTestId('tuning-reset').click();
    await expect.poll(() => row.getAttribute('data-steps')).toBe('0');
    expect(await row.textContent()).toContain('at its sensitivity');
    expect(await row.getByTestId('tuning-reset').count()).toBe(0);
    await page.context().close();
  });

  it('says the detector is learning where the anomaly band of a new KPI would be', async () => {
    const page = await signedIn();
    // the events reach the store's history first
    const stored = async () => {
      const now = Date.now();
      const r = await asAdmin('POST', '/api/v1/detect/backtest', { kpi: 'errors', from: now - 86_400_000, to: now });
      return ((await r.json()) as BacktestResponse).points.length;
    };
    await expect.poll(stored, { timeout: 30_000, interval: 1000 }).toBeGreaterThan(0);
    await page.goto(`${server.url}/#/kpi/errors`);
    await expect.poll(() => page.getByTestId('anomaly-learning').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('anomaly-learning').textContent()).toContain('still learning');
    await page.context().close();
  });
});
