import { describe, expect, it } from 'vitest';
import type { Browser, Page, Response } from 'playwright-core';
import { apiFetch, postEvents, waitFor, type TestServer } from './support/harness.ts';
import { useWall, signIn } from './support/browser.ts';

/**
 * Analysts and editors at a desk and on a phone, signed in (sign-in on, as shipped): pages
 * opened directly and reloaded, long ranges, breakdowns, charts, forms and error messages.
 */
const CONFIG = `
objectives:
  - { id: company, name: Run a reliable shop, owner: Priya }
kpis:
  - { id: orders, name: Orders, objective: company, metric: an.orders, aggregation: count, window: 1h, unit: orders, target: 10 }
  - { id: errors, name: Errors, objective: company, metric: an.errors, aggregation: count, window: 1h, unit: errors, direction: lower_is_better, target: 10 }
rules:
  - { id: spike, name: Error spike, kpis: [errors], severity: critical, for: 0s, condition: { type: threshold, op: '>', value: 10 } }
boards:
  - { id: existing, name: Existing board, kpis: [orders] }
`;
const HOUR = 3_600_000;

let server: TestServer;
let browser: Browser;
let page: Page;

useWall(
  async (wall) => {
    ({ server, browser, page } = wall);
    const now = Date.now();
    // four days of orders, each with a region and a channel, so 7 d has day ticks and the breakdown has dimensions
    await postEvents(
      server,
      Array.from({ length: 96 }, (_, i) => ({
        metric: 'an.orders',
        value: 1,
        ts: now - i * HOUR,
        id: `o-${i}`,
        dims: { region: ['eu', 'us', 'apac'][i % 3]!, channel: i % 2 ? 'web' : 'app' },
      })),
    );
    // a spike that fires the rule: an alert marker on the chart and a firing alert on the wall
    await postEvents(
      server,
      Array.from({ length: 15 }, (_, i) => ({ metric: 'an.errors', value: 1, id: `e-${i}` })),
    );
    await waitFor(async () => {
      const alerts = (await (await apiFetch(server, '/api/v1/alerts')).json()) as Array<{ state: string }>;
      return alerts.some((a) => a.state === 'alerting') ? true : undefined;
    }, 'the spike to fire');
  },
  { config: CONFIG },
  { width: 1366, height: 768 },
);

/** Every API answer of 400 or more while `action` runs, as "status path". */
async function failedCalls(p: Page, action: () => Promise<void>): Promise<string[]> {
  const failed: string[] = [];
  const listen = (r: Response) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/') && r.status() >= 400) failed.push(`${r.status()} ${url.pathname}`);
  };
  p.on('response', listen);
  try {
    await action();
  } finally {
    p.off('response', listen);
  }
  return failed;
}

const chart = () => page.getByTestId('kpi-chart');

describe('analysts and editors, signed in, in Chromium', () => {
  it('opens the KPI page and the admin page directly and on reload without a failed request: anomaly band, users and tokens', async () => {
    const failed = await failedCalls(page, async () => {
      await page.goto(`${server.url}/#/kpi/orders?range=7d`);
      await page.reload();
      await chart().waitFor({ timeout: 15_000 });
      await expect.poll(() => chart().getAttribute('data-loading'), { timeout: 15_000 }).toBe('false');
      await page.waitForTimeout(1_000);
    });
    expect(failed).toEqual([]);
    expect(await page.getByTestId('anomaly-error').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toMatch(/X-CSRF|\/api\/v1/);

    const adminFailed = await failedCalls(page, async () => {
      await page.goto(`${server.url}/#/admin`);
      await page.reload();
      await page.getByTestId('user-admin').waitFor({ timeout: 15_000 });
    });
    expect(adminFailed).toEqual([]);
    expect(await page.getByTestId('tokens').count()).toBe(1);
  });

  it('shows 30 days, the quarter and the year with the anomaly band, never a step error', async () => {
    for (const range of ['30d', 'qtd', 'ytd']) {
      await page.goto(`${server.url}/#/kpi/orders?range=${range}`);
      await expect.poll(() => chart().getAttribute('data-range'), { timeout: 15_000 }).toBe(range);
      await expect.poll(() => chart().getAttribute('data-loading'), { timeout: 15_000 }).toBe('false');
      await page.waitForTimeout(500);
      expect({ range, band: await page.getByTestId('anomaly-error').count() }).toEqual({ range, band: 0 });
      expect(await page.getByTestId('kpi-error').count()).toBe(0);
    }
  });

  it('shows a custom range from the year 2000 to now: the automatic step fits, no error on screen', async () => {
    const to = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const failed = await failedCalls(page, async () => {
      await page.goto(`${server.url}/#/kpi/orders?from=2000-01-01T00:00:00Z&to=${to}`);
      await expect.poll(() => chart().getAttribute('data-range'), { timeout: 15_000 }).toBe('custom');
      await expect.poll(() => chart().getAttribute('data-loading'), { timeout: 15_000 }).toBe('false');
    });
    expect(failed).toEqual([]);
    expect(Number(await chart().getAttribute('data-points'))).toBeLessThanOrEqual(5000);
    expect(await page.getByTestId('kpi-error').count()).toBe(0);
  });

  it('labels day ticks as dates and names the alert lines in a legend', async () => {
    await page.goto(`${server.url}/#/kpi/errors?range=7d`);
    await expect.poll(() => chart().getAttribute('data-alerts'), { timeout: 15_000 }).toBe('1');
    await expect.poll(() => chart().getAttribute('data-legend'), { timeout: 10_000 }).toContain('Alert started');
    await expect.poll(async () => (await chart().getAttribute('data-x-labels')) ?? '', { timeout: 10_000 }).not.toBe('');
    const labels = ((await chart().getAttribute('data-x-labels')) ?? '').split('|');
    for (const label of labels) expect(label).toMatch(/^\d{1,2} [A-Z][a-z]{2}( \d\d:\d\d)?$/);
  });

  it('offers the dimensions the events carry, and says so when none carry the one asked for', async () => {
    await page.goto(`${server.url}/#/kpi/orders?range=7d`);
    const dims = page.getByTestId('breakdown-dims');
    await expect.poll(() => dims.innerText(), { timeout: 15_000 }).toMatch(/channel \(96 of 96 events\).*region \(96 of 96 events\)/);
    await page.goto(`${server.url}/#/kpi/orders?range=7d&dim=country`);
    const missing = page.getByTestId('breakdown-not-carried');
    await missing.waitFor({ timeout: 15_000 });
    expect(await missing.innerText()).toMatch(/None of this KPI’s events in this range carry “country”.*channel, region/);
    expect(await page.getByTestId('breakdown-chart').count()).toBe(0);
  });

  it('shows a not-found page for an unknown KPI id: no presets, no chart, no annotation form', async () => {
    await page.goto(`${server.url}/#/kpi/no-such-kpi`);
    const notFound = page.getByTestId('kpi-not-found');
    await notFound.waitFor({ timeout: 15_000 });
    expect(await notFound.innerText()).toContain('There is no KPI “no-such-kpi”');
    expect(await page.getByTestId('range-24h').count()).toBe(0);
    expect(await page.getByTestId('kpi-chart').count()).toBe(0);
    expect(await page.getByTestId('annotation-form').count()).toBe(0);
  });

  it('forms: one wording for an empty field, "marked above" where the fields are above, and no negative warning for a count', async () => {
    await page.goto(`${server.url}/#/edit/kpi/new?objective=company`);
    const form = page.getByTestId('kpi-form');
    await form.waitFor();
    await form.locator('[name=id]').fill('neg');
    await form.locator('[name=metric]').fill('an.neg');
    await form.locator('[name=aggregation]').selectOption('count');
    await form.locator('[name=window]').fill('1h');
    await form.locator('[name=target]').fill('10');
    await form.locator('[name=warning]').fill('-5');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('error-name').innerText()).toBe('is required');
    expect(await page.getByTestId('error-warning').innerText()).toMatch(/0 or more: a count is never negative/);
    const status = page.getByTestId('form-status');
    expect(await status.innerText()).toContain('marked above');
    // the status really is below the fields it points at
    const statusTop = (await status.boundingBox())!.y;
    expect((await page.getByTestId('error-warning').boundingBox())!.y).toBeLessThan(statusTop);
    expect((await apiFetch(server, '/api/v1/kpis/neg')).status).toBe(404);
    // and the server refuses it too, naming the field
    const res = await apiFetch(server, '/api/v1/kpis', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'neg',
        name: 'Neg',
        objective: 'company',
        metric: 'an.neg',
        aggregation: 'count',
        window: '1h',
        target: 10,
        warning: -5,
      }),
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('"field":"warning"');
  });

  it('says a refusal in plain words with what to do, never the API’s text', async () => {
    await page.goto(`${server.url}/#/edit/board/new`);
    const form = page.getByTestId('board-form');
    await form.waitFor();
    await form.locator('[name=id]').fill('existing');
    await form.locator('[name=name]').fill('A second one');
    await page.getByTestId('save').click();
    const status = page.getByTestId('form-status');
    await expect.poll(() => status.innerText(), { timeout: 10_000 }).toContain('already exists');
    expect(await status.innerText()).toMatch(/choose another id/);
    expect(await status.innerText()).not.toMatch(/PUT|\/api\//);
  });

  it('starts every desk page with a skip link that takes the keyboard to the tiles', async () => {
    await page.goto(`${server.url}/#/`);
    // a fresh load: the keyboard starts at the top of the document
    await page.reload();
    await page.locator('[data-testid^="tile-"][data-status]').first().waitFor();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate('document.activeElement?.textContent?.trim() ?? ""');
    expect(await focused()).toBe('Skip to the tiles');
    expect(await page.evaluate('document.activeElement.getBoundingClientRect().top >= 0')).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('KPI tiles');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement?.getAttribute("data-testid") ?? ""')).toMatch(/^tile-/);
  });
});

describe('a lead on a phone (390 px), signed in', () => {
  it('uses the wall, an alert and a KPI page: nothing covers the tiles, nothing runs off the screen', async () => {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
    try {
      await signIn(phone, server);
      await phone.goto(`${server.url}/#/`);
      const tiles = phone.locator('[data-testid^="tile-"][data-status]');
      await tiles.first().waitFor();
      const panel = phone.getByTestId('alerts-panel');
      await panel.waitFor({ timeout: 10_000 });
      const p = (await panel.boundingBox())!;
      for (const tile of await tiles.all()) {
        const t = (await tile.boundingBox())!;
        const overlaps = t.x < p.x + p.width && p.x < t.x + t.width && t.y < p.y + p.height && p.y < t.y + t.height;
        expect(overlaps).toBe(false);
        // a tile gets the phone's width, not a sliver beside the panel
        expect(t.width).toBeGreaterThan(300);
      }
      const overflow = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';
      expect(await phone.evaluate(overflow)).toBe(0);
      for (const link of await phone.locator('nav[aria-label="Pages"] a').all()) {
        const b = (await link.boundingBox())!;
        expect(b.x + b.width).toBeLessThanOrEqual(390);
      }
      // the alert: its row and its actions within the screen
      const row = phone.getByTestId('alert-row').first();
      const r = (await row.boundingBox())!;
      expect(r.x >= 0 && r.x + r.width <= 390).toBe(true);
      const ack = (await row.getByTestId('ack').boundingBox())!;
      expect(ack.x + ack.width).toBeLessThanOrEqual(390);
      // the KPI page
      await phone.goto(`${server.url}/#/kpi/orders`);
      await phone.getByTestId('kpi-chart').waitFor({ timeout: 15_000 });
      expect(await phone.evaluate(overflow)).toBe(0);
      const last = (await phone.getByTestId('range-ytd').boundingBox())!;
      expect(last.x + last.width).toBeLessThanOrEqual(390);
    } finally {
      await phone.close();
    }
  });
});
