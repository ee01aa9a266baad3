import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { KEEP_HISTORY_ENV, postEvents, waitFor, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

const CONFIG = `
objectives:
  - { id: sales, name: Sell more, owner: Ana, period: 2026-Q4 }
  - { id: online, name: Sell online, owner: Bo, period: 2026-Q4, parent: sales }
kpis:
  - id: orders-mtd
    name: Orders this month
    objective: online
    metric: rep.orders
    aggregation: count
    window: month_to_date
    unit: orders
    target: 1000
    targets: [{ period: 2026-10, value: 40 }]
  - { id: basket, name: Basket size, objective: sales, metric: rep.basket, aggregation: avg, window: 1d, unit: €, target: 50 }
`;

const at = (d: number, h: number) => Date.UTC(2026, 9, d, h);

let server: TestServer;
let page: Page;

useWall(
  async (wall) => {
    ({ server, page } = wall);
    const events: unknown[] = [];
    for (let d = 1; d <= 31; d++) {
      events.push({ metric: 'rep.orders', value: 1, ts: at(d, 12), id: `o${d}` });
      events.push({ metric: 'rep.basket', value: 40 + d, ts: at(d, 15), id: `b${d}` });
    }
    await postEvents(server, events);
    await waitFor(async () => {
      const r = await server.clickhouse.query({
        query: "SELECT count() AS n FROM events WHERE metric LIKE 'rep.%'",
        format: 'JSONEachRow',
      });
      return Number((await r.json<{ n: string }>())[0]?.n) === events.length ? true : undefined;
    }, 'the events stored');
    await server.clickhouse.insert({
      table: 'checkins',
      format: 'JSONEachRow',
      values: [
        {
          id: 'c1',
          subject_kind: 'objective',
          subject_id: 'online',
          confidence: 'medium',
          narrative: 'Shop relaunch slipped a week',
          value: null,
          author: 'bo',
          at: at(20, 10),
        },
      ],
    });
  },
  // October 2026 stays in the store whatever today is
  { config: CONFIG, env: KEEP_HISTORY_ENV },
  { width: 1200, height: 900 },
);

describe('the monthly report page (sign-in on)', () => {
  it('shows the tree, each KPI at the month end against its period target, its trend and the check-ins, and prints and downloads', async () => {
    await page.goto(`${server.url}/#/report?month=2026-10`);
    const row = page.getByTestId('report-kpi-orders-mtd');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('report-value').textContent()).toBe('31 orders');
    expect(await row.textContent()).toContain('40 orders');
    expect(await row.getAttribute('data-status')).toBe('at_risk');
    expect(await row.textContent()).toContain('78 %');
    expect(await row.locator('polyline').getAttribute('points')).toMatch(/\d/);
    expect(await page.getByTestId('report-kpi-basket').getByTestId('report-value').textContent()).toBe('€71');
    expect(await page.getByTestId('report-checkin').textContent()).toContain('Shop relaunch slipped a week');
    // the subtree's page names only its part of the tree
    await page.getByTestId('report-objective').selectOption('online');
    await expect.poll(() => page.getByTestId('report-kpi-basket').count()).toBe(0);
    await page.getByTestId('report-kpi-orders-mtd').waitFor();
    await page.getByTestId('report-objective').selectOption('');
    await page.getByTestId('report-kpi-basket').waitFor();
    // the PDF link downloads with the session (a viewer's read)
    const href = await page.getByTestId('report-pdf').getAttribute('href');
    expect(href).toBe('/api/v1/reports/monthly/pdf?month=2026-10');
    const pdf = await page.evaluate(async (h) => {
      const res = await fetch(h);
      return { status: res.status, type: res.headers.get('content-type'), head: (await res.text()).slice(0, 5) };
    }, href ?? '');
    expect(pdf).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' });
    // on paper: no app header, no controls
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.getByTestId('report-month').isVisible()).toBe(false);
    await page.screenshot({ path: 'docs/img/report.png', fullPage: true });
    await page.emulateMedia({ media: 'screen' });
  });
});
