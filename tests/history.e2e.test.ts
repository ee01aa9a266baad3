import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiFetch, type TestServer } from './support/harness.ts';
import { closeWall, openWall } from './support/browser.ts';

/**
 * Issue 6, end to end in Chromium: from a wall tile to the KPI's history; the range, the
 * comparison and the breakdown change the chart and the URL, and the URL alone restores them.
 */

let server: TestServer;
let browser: Browser;
let page: Page;

/** A KPI of the harness TEST_CONFIG: count of test.orders over 1 h, target 100. */
const KPI = 'orders';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const REGIONS = ['eu', 'eu', 'eu', 'us', 'us', 'apac'];

const hash = () => decodeURIComponent(new URL(page.url()).hash);
const chart = () => page.getByTestId('kpi-chart');
const chartAttr = (name: string) => chart().getAttribute(name);

beforeAll(async () => {
  ({ server, browser, page } = await openWall({}, { width: 1600, height: 1100 }));

  // Orders over the last three days (so 7 d holds more than 24 h), each with a region, and six just now.
  const now = Date.now();
  const events = [
    ...Array.from({ length: 12 }, (_, i) => ({ metric: 'test.orders', value: 1, ts: now - 2 * DAY - i * HOUR, id: `old-${i}` })),
    ...REGIONS.map((region, i) => ({ metric: 'test.orders', value: 1, ts: now - i * 1000, id: `new-${i}` })),
  ].map((e, i) => ({ ...e, dims: { region: REGIONS[i % REGIONS.length] as string } }));
  const ingest = await apiFetch(server, `/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(ingest.status).toBe(202);
  expect(((await ingest.json()) as { accepted: number }).accepted).toBe(events.length);
});
afterAll(() => closeWall({ server, browser }));

describe('the KPI history in Chromium', () => {
  it('opens from a wall tile on the default range', async () => {
    await page.goto(`${server.url}/#/`);
    const tile = page.getByTestId(`tile-${KPI}`);
    await tile.waitFor();
    // the wall has counted the recent events before we leave it
    await expect.poll(() => tile.getByTestId('tile-value').innerText(), { timeout: 15_000 }).toMatch(/^6/);
    await tile.click();
    await page.waitForURL(/#\/kpi\//);
    expect(hash()).toBe(`#/kpi/${KPI}`);
    await chart().waitFor({ timeout: 15_000 });
    await expect.poll(() => chart().locator('canvas').count()).toBeGreaterThan(0);
    expect(await chartAttr('data-range')).toBe('24h');
    expect(await page.getByTestId('range-24h').getAttribute('aria-current')).toBe('true');
    // every preset is offered
    for (const preset of ['1h', '24h', '7d', '30d', 'qtd', 'ytd', 'custom'])
      expect(await page.getByTestId(`range-${preset}`).count()).toBe(1);
  });

  it('changes the range: the URL and the chart follow', async () => {
    const from24h = Number(await chartAttr('data-from'));
    expect(Date.now() - from24h).toBeGreaterThan(DAY - 5 * 60_000);
    expect(Date.now() - from24h).toBeLessThan(DAY + 5 * 60_000);

    await page.getByTestId('range-7d').click();
    await page.waitForURL(/range=7d/);
    expect(hash()).toBe(`#/kpi/${KPI}?range=7d`);
    await expect.poll(() => chartAttr('data-range'), { timeout: 15_000 }).toBe('7d');
    const from7d = Number(await chartAttr('data-from'));
    expect(from24h - from7d).toBeGreaterThan(6 * DAY - 5 * 60_000);
    // the server chose a coarser step for the longer range
    expect(Number(await chartAttr('data-step'))).toBeGreaterThan(5 * 60_000);
    expect(await page.getByTestId('range-7d').getAttribute('aria-current')).toBe('true');
    expect(await page.getByTestId('range-24h').getAttribute('aria-current')).toBeNull();
  });

  it('overlays the previous period when asked', async () => {
    expect(await chartAttr('data-compare')).toBe('');
    await page.getByTestId('compare-previous').check();
    await page.waitForURL(/compare=previous/);
    expect(hash()).toBe(`#/kpi/${KPI}?range=7d&compare=previous`);
    await expect.poll(() => chartAttr('data-compare'), { timeout: 15_000 }).toBe('previous');
    expect(await page.getByTestId('compare-last-year').isChecked()).toBe(false);
  });

  it('breaks the KPI down by a dimension', async () => {
    expect(await page.getByTestId('breakdown-chart').count()).toBe(0);
    // a name the API would refuse is named, not sent
    await page.getByTestId('breakdown-dim').fill('region; drop');
    await page.getByTestId('breakdown-apply').click();
    await expect.poll(() => page.getByTestId('breakdown-dim-error').count()).toBe(1);
    expect(hash()).not.toContain('dim=');

    await page.getByTestId('breakdown-dim').fill('region');
    await page.getByTestId('breakdown-dim').press('Enter');
    await page.waitForURL(/dim=region/);
    expect(hash()).toBe(`#/kpi/${KPI}?range=7d&compare=previous&dim=region`);
    const breakdown = page.getByTestId('breakdown-chart');
    await breakdown.waitFor({ timeout: 15_000 });
    expect(await breakdown.getAttribute('data-dim')).toBe('region');
    expect(Number(await breakdown.getAttribute('data-groups'))).toBe(3);
    expect(await breakdown.getAttribute('aria-label')).toMatch(/eu 9 orders · 50 %/);
    await expect.poll(() => breakdown.locator('canvas').count()).toBeGreaterThan(0);
  });

  it('links an export of the view', async () => {
    const csv = page.getByTestId('export-csv');
    const href = (await csv.getAttribute('href')) ?? '';
    const url = new URL(href, server.url);
    expect(url.pathname).toBe(`/api/v1/kpis/${KPI}/export`);
    expect(url.searchParams.get('format')).toBe('csv');
    expect(Number(url.searchParams.get('from'))).toBe(Number(await chartAttr('data-from')));
    expect(await csv.getAttribute('download')).not.toBeNull();
    expect(new URL((await page.getByTestId('export-json').getAttribute('href')) ?? '', server.url).searchParams.get('format')).toBe('json');

    const res = await apiFetch(server, `${url.pathname}${url.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
  });

  it('restores the same view from the URL alone', async () => {
    const url = page.url();
    // a new tab of the same signed-in browser
    const fresh = await page.context().newPage();
    try {
      await fresh.goto(url);
      const freshChart = fresh.getByTestId('kpi-chart');
      await freshChart.waitFor({ timeout: 15_000 });
      await expect.poll(() => freshChart.getAttribute('data-range'), { timeout: 15_000 }).toBe('7d');
      await expect.poll(() => freshChart.getAttribute('data-compare')).toBe('previous');
      expect(await fresh.getByTestId('range-7d').getAttribute('aria-current')).toBe('true');
      expect(await fresh.getByTestId('compare-previous').isChecked()).toBe(true);
      expect(await fresh.getByTestId('breakdown-dim').inputValue()).toBe('region');
      await fresh.getByTestId('breakdown-chart').waitFor({ timeout: 15_000 });
      expect(Number(await fresh.getByTestId('breakdown-chart').getAttribute('data-groups'))).toBe(3);
    } finally {
      await fresh.close();
    }

    await page.reload();
    await chart().waitFor({ timeout: 15_000 });
    await expect.poll(() => chartAttr('data-range'), { timeout: 15_000 }).toBe('7d');
    await expect.poll(() => chartAttr('data-compare')).toBe('previous');
    await page.getByTestId('breakdown-chart').waitFor({ timeout: 15_000 });
  });

  it('goes back through the views with the back button', async () => {
    await page.goBack();
    await page.waitForURL((u) => !u.hash.includes('dim='));
    expect(hash()).toBe(`#/kpi/${KPI}?range=7d&compare=previous`);
    await expect.poll(() => page.getByTestId('breakdown-chart').count()).toBe(0);
    expect(await page.getByTestId('breakdown-dim').inputValue()).toBe('');
    await page.goBack();
    await page.waitForURL((u) => !u.hash.includes('compare='));
    await expect.poll(() => chartAttr('data-compare'), { timeout: 15_000 }).toBe('');
    expect(await page.getByTestId('compare-previous').isChecked()).toBe(false);
    await page.goForward();
    await page.waitForURL(/compare=previous/);
    await expect.poll(() => chartAttr('data-compare'), { timeout: 15_000 }).toBe('previous');
  });

  it('zooms into a custom range that refetches at a finer step', async () => {
    const step7d = Number(await chartAttr('data-step'));
    const box = await chart().boundingBox();
    if (!box) throw new Error('the chart has no box');
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.4);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -400);
    await page.waitForURL(/from=.*&to=/, { timeout: 10_000 });
    expect(hash()).toMatch(/^#\/kpi\/orders\?from=\d{4}-\d\d-\d\dT[\d:.]+Z&to=\d{4}-\d\d-\d\dT[\d:.]+Z&compare=previous$/);
    await expect.poll(() => chartAttr('data-range'), { timeout: 15_000 }).toBe('custom');
    expect(await page.getByTestId('range-custom').getAttribute('aria-current')).toBe('true');
    await expect.poll(async () => Number(await chartAttr('data-step')), { timeout: 15_000 }).toBeLessThan(step7d);
    const params = new URLSearchParams(hash().split('?')[1]);
    expect(Number(await chartAttr('data-from'))).toBe(Date.parse(params.get('from') ?? ''));
    expect(Number(await chartAttr('data-to'))).toBe(Date.parse(params.get('to') ?? ''));
    // the custom inputs show the zoomed range; a preset returns to a rolling range
    expect(await page.getByTestId('custom-from').inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    await page.getByTestId('range-ytd').click();
    await page.waitForURL(/range=ytd/);
    await expect.poll(() => chartAttr('data-range'), { timeout: 15_000 }).toBe('ytd');
    // year to date in the KPI's zone (UTC here): from local midnight on 1 January
    expect(Number(await chartAttr('data-from'))).toBe(Date.UTC(new Date().getUTCFullYear(), 0, 1));
  });
});
