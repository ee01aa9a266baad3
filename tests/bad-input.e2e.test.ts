import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Dialog, Page } from 'playwright-core';
import { apiFetch, postEvents, waitFor, type TestServer } from './support/harness.ts';
import { closeWall, launchChromium, signIn, startWallServer } from './support/browser.ts';

/**
 * SQL and script text in every field a user can set, written through the API, then every
 * screen that shows them rendered in real Chromium: no dialog may fire, no injected
 * element may exist, the text must be shown as text, and the tables must be as they were.
 */
const P = {
  img: '<img src=x onerror=alert(1)>',
  script: '<script>alert(1)</script>',
  sql: "'); DROP TABLE events; --",
  js: 'javascript:alert(1)',
  template: "{{constructor.constructor('alert(1)')()}}",
  flag: '<img src=x onerror="window.__pwned=1">',
};
/** Every payload in one string (182 characters): fits a name, an owner, a dimension value. */
const ALL = [P.img, P.script, P.sql, P.js, P.template, P.flag].join(' ');
/** The author header: Latin-1 only, and shown next to acks, check-ins and annotations. */
const AUTHOR = `${P.img} ${P.sql}`;

const CONFIG = `
objectives:
  - { id: base, name: Base, owner: Base Owner, period: 2026-Q4 }
kpis: []
`;

let server: TestServer;
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

async function write(method: 'POST' | 'PUT', path: string, body: unknown): Promise<unknown> {
  const res = await apiFetch(server, `${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-northstar-user': AUTHOR, 'x-northstar-reason': P.sql },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect({ path, status: res.status, text }).toEqual({ path, status: expect.toSatisfy((s: number) => s >= 200 && s < 300), text });
  return text ? (JSON.parse(text) as unknown) : undefined;
}

const COUNTED_TABLES = ['events', 'rejected_events', 'model_versions', 'checkins', 'annotations', 'alert_acks', 'silences'];

/** The store's tables and the rows in each one a browser could conceivably change. */
async function tableState(): Promise<{ tables: string[]; rows: Record<string, number> }> {
  const r = await server.clickhouse.query({ query: 'SHOW TABLES', format: 'JSONEachRow' });
  const tables = (await r.json<{ name: string }>()).map((t) => t.name).sort();
  const rows: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    // identifiers cannot be bound parameters; these come from the list above, not from input
    const q = await server.clickhouse.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
    rows[table] = Number((await q.json<{ n: string }>())[0]?.n);
  }
  return { tables, rows };
}

let before: Awaited<ReturnType<typeof tableState>>;

beforeAll(async () => {
  server = await startWallServer({ config: CONFIG });
  await write('POST', '/api/v1/objectives', {
    id: 'xo',
    name: `Objective ${ALL}`,
    description: `Objective description ${ALL}`,
    owner: `Owner ${ALL}`,
    level: 'organisation',
    period: '2026-Q4',
    review: 'weekly',
  });
  await write('POST', '/api/v1/kpis', {
    id: 'xk',
    name: `KPI ${ALL}`,
    description: `KPI description ${ALL}`,
    unit: P.img,
    owner: `KPI owner ${ALL}`,
    team: P.script,
    tags: [P.sql, P.template.slice(0, 40)],
    objective: 'xo',
    metric: 'xss.orders',
    aggregation: 'count',
    window: '1h',
    target: 100,
    review: 'weekly',
  });
  await write('POST', '/api/v1/goals', {
    id: 'xg',
    name: `Goal ${ALL}`,
    description: `Goal description ${ALL}`,
    owner: `Goal owner ${ALL}`,
    kpi: 'xk',
    target: 5,
    unit: P.script,
  });
  await write('POST', '/api/v1/rules', {
    id: 'xr',
    name: `Rule ${ALL}`,
    description: `Rule description ${ALL}`,
    kpis: ['xk'],
    severity: 'critical',
    condition: { type: 'threshold', op: '>', value: 0 },
  });
  await write('POST', '/api/v1/boards', { id: 'xb', name: `Board ${ALL}`, description: `Board description ${ALL}`, kpis: ['xk'] });
  const now = Date.now();
  await postEvents(
    server,
    Array.from({ length: 6 }, (_, i) => ({
      metric: 'xss.orders',
      value: 1,
      ts: now - i * 60_000,
      id: `xss-${i}`,
      dims: { team: ALL, region: P.sql, [`k${i % 2}`]: P.flag },
    })),
  );
  await write('POST', '/api/v1/annotations', { kpi: 'xk', ts: now - 30 * 60_000, kind: 'deploy', text: `Annotation ${ALL}` });
  await write('POST', '/api/v1/checkins', { subject: { kind: 'kpi', id: 'xk' }, confidence: 'low', narrative: `KPI check-in ${ALL}` });
  await write('POST', '/api/v1/checkins', {
    subject: { kind: 'objective', id: 'xo' },
    confidence: 'medium',
    narrative: `Objective check-in ${ALL}`,
  });
  await write('POST', '/api/v1/checkins', {
    subject: { kind: 'goal', id: 'xg' },
    confidence: 'high',
    narrative: `Goal check-in ${ALL}`,
    value: 2,
  });
  // the rule fires on the first order; acknowledge it with the payloads as the comment
  const key = await waitFor(async () => {
    const alerts = (await (await apiFetch(server, `/api/v1/alerts`)).json()) as Array<{ key: string; rule: string; state: string }>;
    return alerts.find((a) => a.rule === 'xr' && a.state === 'alerting')?.key;
  }, 'the rule to fire');
  await write('POST', '/api/v1/alerts/ack', { key, comment: `Ack ${ALL}` });

  before = await tableState();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
  await signIn(page, server);
  page.on('dialog', (d: Dialog) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
}, 90_000);
afterAll(() => closeWall({ server, browser }));

/** What must hold on every screen once it shows what it was waited for. */
async function assertInert(where: string): Promise<void> {
  // a string, not a function: the tests compile without the DOM library
  const state = (await page.evaluate(`({
    pwned: window.__pwned ?? null,
    injectedImages: document.querySelectorAll('img[src="x"]').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => (s.textContent ?? '').includes('alert(')).length,
    jsLinks: document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i]').length,
    handlers: [...document.querySelectorAll('*')].filter((el) => el.hasAttribute('onerror')).length,
  })`)) as Record<string, unknown>;
  expect({ where, ...state, dialogs }).toEqual({ where, pwned: null, injectedImages: 0, scripts: 0, jsLinks: 0, handlers: 0, dialogs: [] });
}

/** Waits until the page's text holds each string literally (text, not markup). */
async function shows(where: string, ...texts: string[]): Promise<void> {
  for (const text of texts) {
    await expect
      .poll(() => page.evaluate(`document.body.textContent.includes(${JSON.stringify(text)})`), {
        message: `${where}: ${text}`,
        timeout: 15_000,
      })
      .toBe(true);
  }
  await assertInert(where);
}

describe('SQL and script text in every field, on every screen, in Chromium', () => {
  it('the wall and its alerts panel', async () => {
    await page.goto(`${server.url}/#/`);
    await shows('wall', `Objective ${P.img}`, `KPI ${P.img}`, P.img);
    // the panel opens by itself while an alert fires
    await page.getByTestId('alerts-panel').waitFor();
    await shows('alerts panel', `Rule ${P.img}`, `Ack ${P.img}`);
  });

  it('the alignment tree', async () => {
    await page.goto(`${server.url}/#/tree`);
    await shows('tree', `Objective ${ALL}`, `KPI ${P.img}`, `Goal ${P.img}`, `Owner ${P.img}`);
  });

  it('the KPI detail page, with its annotation, check-in and breakdown by a hostile dimension value', async () => {
    await page.goto(`${server.url}/#/kpi/xk`);
    await shows('kpi detail', `KPI ${P.img}`, `KPI owner ${P.img}`, `Annotation ${P.img}`, `KPI check-in ${P.img}`);
    const dim = page.getByTestId('breakdown-dim');
    await dim.fill('team');
    await page.getByTestId('breakdown-apply').click();
    await expect.poll(() => page.url()).toMatch(/dim=team/);
    // the chart draws the dimension value on a canvas; hover every bar to raise its HTML tooltip
    const chart = page.getByTestId('breakdown-section').locator('canvas').first();
    await chart.waitFor();
    const box = await chart.boundingBox();
    expect(box).not.toBeNull();
    for (let x = 0.1; x < 1; x += 0.1) await page.mouse.move(box!.x + box!.width * x, box!.y + box!.height / 2);
    const history = page.getByTestId('history-section').locator('canvas').first();
    const hbox = await history.boundingBox();
    if (hbox) for (let x = 0.05; x < 1; x += 0.05) await page.mouse.move(hbox.x + hbox.width * x, hbox.y + hbox.height / 2);
    await assertInert('kpi detail charts');
  });

  it('reviews, rules, boards and the check-in page', async () => {
    await page.goto(`${server.url}/#/reviews`);
    await shows('reviews', `Objective ${P.img}`, `KPI ${P.img}`);
    await page.goto(`${server.url}/#/rules`);
    await shows('rules', `Rule ${P.img}`);
    await page.goto(`${server.url}/#/boards`);
    await shows('boards', `Board ${ALL}`, `Board description ${ALL}`);
    await page.goto(`${server.url}/#/checkin/kpi/xk`);
    await shows('check-in', `KPI ${P.img}`);
  });

  it('the editors hold the text as values', async () => {
    await page.goto(`${server.url}/#/edit/kpi/xk`);
    const kpiForm = page.getByTestId('kpi-form');
    await expect.poll(() => kpiForm.locator('[name=name]').inputValue(), { timeout: 15_000 }).toBe(`KPI ${ALL}`);
    expect(await kpiForm.locator('[name=unit]').inputValue()).toBe(P.img);
    await assertInert('kpi editor');
    await page.goto(`${server.url}/#/edit/objective/xo`);
    await expect.poll(() => page.getByTestId('objective-form').locator('[name=owner]').inputValue()).toBe(`Owner ${ALL}`);
    await assertInert('objective editor');
    await page.goto(`${server.url}/#/edit/rule/xr`);
    await shows('rule editor', P.img);
    await page.goto(`${server.url}/#/edit/board/xb`);
    await expect.poll(() => page.getByTestId('board-form').locator('[name=description]').inputValue()).toBe(`Board description ${ALL}`);
    await shows('board editor', `KPI ${P.img}`);
  });

  it('TV mode', async () => {
    await page.goto(`${server.url}/#/tv?boards=xb`);
    await page.getByTestId('tv').waitFor();
    await shows('tv', `Board ${P.img}`, `KPI ${P.img}`);
  });

  it('left every table as it was: nothing dropped, nothing written by rendering', async () => {
    const after = await tableState();
    expect(after).toEqual(before);
    expect(after.tables).toEqual(expect.arrayContaining(['events', 'model_versions', 'checkins', 'annotations']));
    expect(after.rows.events).toBe(6);
    // the text is stored as sent, as data
    const r = await server.clickhouse.query({
      query: 'SELECT count() AS n FROM events WHERE dims[{k:String}] = {v:String}',
      query_params: { k: 'team', v: ALL },
      format: 'JSONEachRow',
    });
    expect(Number((await r.json<{ n: string }>())[0]?.n)).toBe(6);
    expect(dialogs).toEqual([]);
  });
});
