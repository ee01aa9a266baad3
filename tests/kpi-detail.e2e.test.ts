import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { apiFetch, type TestServer } from './support/harness.ts';
import { closeWall, openWall } from './support/browser.ts';

let server: TestServer;
let browser: Browser;
let page: Page;

/** A KPI of the harness TEST_CONFIG: count of test.orders over 1 h, target 100. */
const KPI = 'orders';
const ANNOTATION_TEXT = 'Deployed checkout v2 <b>to everyone</b>';
const NARRATIVE = 'Fewer orders than hoped; the campaign starts Monday.';
const FORM_TEXT = 'Flash sale started from the detail page';

async function postJson(path: string, body: unknown): Promise<Response> {
  return apiFetch(server, `${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-northstar-user': 'e2e' },
    body: JSON.stringify(body),
  });
}

function timelineTexts(): Promise<string[]> {
  return page.getByTestId('timeline-item').allInnerTexts();
}

beforeAll(async () => {
  ({ server, browser, page } = await openWall({}, { width: 1600, height: 1000 }));

  const events = Array.from({ length: 3 }, (_, i) => JSON.stringify({ metric: 'test.orders', value: 1, id: `detail-${i}` })).join('\n');
  const ingest = await apiFetch(server, `/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events,
  });
  expect(ingest.status).toBe(202);
  expect((await postJson('/api/v1/annotations', { kpi: KPI, kind: 'deploy', text: ANNOTATION_TEXT })).status).toBe(201);
  const checkin = await postJson('/api/v1/checkins', { subject: { kind: 'kpi', id: KPI }, confidence: 'low', narrative: NARRATIVE });
  expect(checkin.status).toBe(201);
});
afterAll(() => closeWall({ server, browser }));

describe('the KPI detail page in Chromium', () => {
  it('opens from a wall tile', async () => {
    await page.goto(`${server.url}/#/`);
    const tile = page.getByTestId(`tile-${KPI}`);
    await tile.waitFor();
    // the wall has counted the posted events before we leave it
    await expect.poll(() => tile.getByTestId('tile-value').innerText(), { timeout: 10_000 }).toMatch(/^3/);
    await tile.click();
    await page.waitForURL(/#\/kpi\//);
    expect(new URL(page.url()).hash).toBe(`#/kpi/${KPI}`);
    await page.getByTestId('kpi-detail').waitFor();
    expect(await page.getByTestId('kpi-name').innerText()).toBe('Orders');
    await expect.poll(() => page.getByTestId('kpi-value').innerText(), { timeout: 10_000 }).toMatch(/^3/);
    expect(await page.getByTestId('kpi-target').innerText()).toContain('100');
    expect(await page.getByTestId('kpi-objective').innerText()).toBe('Sell more');
  });

  it('draws the history chart and lists the annotation and the check-in', async () => {
    const chart = page.getByTestId('kpi-chart');
    await chart.waitFor();
    await expect.poll(() => chart.locator('canvas').count()).toBeGreaterThan(0);
    const box = await chart.locator('canvas').first().boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(300);
    expect(box?.height ?? 0).toBeGreaterThan(100);
    expect(await chart.getAttribute('data-range')).toBe('24h');
    expect(await page.getByTestId('range-24h').getAttribute('aria-current')).toBe('true');

    await expect.poll(timelineTexts, { timeout: 10_000 }).toHaveLength(2);
    const texts = await timelineTexts();
    // user text is shown as text, never as markup
    expect(texts.some((t) => t.includes(ANNOTATION_TEXT) && /deploy/i.test(t))).toBe(true);
    expect(texts.some((t) => t.includes(NARRATIVE) && /low confidence/i.test(t))).toBe(true);
    expect(await page.getByTestId('timeline').locator('b').count()).toBe(0);
    // newest first: the check-in was posted after the annotation
    expect(texts[0]).toContain(NARRATIVE);
  });

  it('switches the range through the URL', async () => {
    await page.getByTestId('range-7d').click();
    await page.waitForURL(/range=7d/);
    expect(new URL(page.url()).hash).toBe(`#/kpi/${KPI}?range=7d`);
    await expect.poll(() => page.getByTestId('kpi-chart').getAttribute('data-range')).toBe('7d');
    expect(await page.getByTestId('range-7d').getAttribute('aria-current')).toBe('true');
    expect(await page.getByTestId('range-24h').getAttribute('aria-current')).toBeNull();
    expect(await timelineTexts()).toHaveLength(2);
  });

  it('adds an annotation through the form and shows it on the timeline', async () => {
    const form = page.getByTestId('annotation-form');
    // an empty text is named, not sent
    await page.getByTestId('add-annotation').click();
    await expect.poll(() => page.getByTestId('error-text').innerText()).toMatch(/what happened/i);

    await form.locator('[name=kind]').selectOption('campaign');
    await form.locator('[name=text]').fill(FORM_TEXT);
    await page.getByTestId('add-annotation').click();
    await expect.poll(() => timelineTexts(), { timeout: 10_000 }).toHaveLength(3);
    const first = (await timelineTexts())[0] ?? '';
    expect(first).toContain(FORM_TEXT);
    expect(first).toMatch(/campaign/i);
    expect(await form.locator('[name=text]').inputValue()).toBe('');
    expect(await page.getByTestId('error-text').count()).toBe(0);

    const stored = (await (await apiFetch(server, `/api/v1/annotations?kpi=${KPI}`)).json()) as Array<{ kind: string; text: string }>;
    expect(stored).toContainEqual(expect.objectContaining({ kind: 'campaign', text: FORM_TEXT }));
  });

  it('is reachable from the alignment tree', async () => {
    await page.goto(`${server.url}/#/tree`);
    const link = page.getByTestId(`tree-kpi-${KPI}`).getByTestId('tree-kpi-link');
    await link.click();
    await page.waitForURL(/#\/kpi\//);
    expect(new URL(page.url()).hash).toBe(`#/kpi/${KPI}`);
    await page.getByTestId('kpi-detail').waitFor();
  });

  it('says plainly when a KPI does not exist', async () => {
    await page.goto(`${server.url}/#/kpi/no-such-kpi`);
    await expect.poll(() => page.getByTestId('kpi-not-found').innerText(), { timeout: 10_000 }).toMatch(/There is no KPI “no-such-kpi”/);
    expect(await page.getByTestId('kpi-chart').count()).toBe(0);
  });
});
