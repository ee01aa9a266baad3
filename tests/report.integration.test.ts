import { PDFParse } from 'pdf-parse';
import type { SeriesResponse } from '@northstar/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonthlyReport } from '../apps/server/src/report/monthly-report.ts';
import { KEEP_HISTORY_ENV, apiFetch, postEvents, startTestServer, waitFor, type TestServer } from './support/harness.ts';

const CONFIG = `
objectives:
  - { id: sales, name: Sell more, owner: Ana, period: 2026-Q4 }
  - { id: online, name: Sell online, owner: Bo, period: 2026-Q4, parent: sales }
  - { id: people, name: Hire well, owner: Cy, period: 2026-Q4 }
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
  - { id: orders-hour, name: Orders last hour, objective: online, metric: rep.orders, aggregation: count, window: 1h, target: 5 }
  - { id: basket, name: Basket size, objective: sales, metric: rep.basket, aggregation: avg, window: 1d, unit: €, target: 50 }
  - { id: hires, name: Hires, objective: people, metric: rep.hires, aggregation: count, window: month_to_date, target: 3 }
`;

const MONTH = '2026-10';
const at = (d: number, h: number, m = 0) => Date.UTC(2026, 9, d, h, m);

let server: TestServer;

beforeAll(async () => {
  // October 2026 stays in the store whatever today is
  server = await startTestServer({ config: CONFIG, env: KEEP_HISTORY_ENV });
  // a closed month: an order at noon each day, three more in the month's last hour; a basket each day; September and November around it
  const events: unknown[] = [];
  for (let d = 1; d <= 31; d++) {
    events.push({ metric: 'rep.orders', value: 1, ts: at(d, 12), id: `o${d}` });
    events.push({ metric: 'rep.basket', value: 40 + d, ts: at(d, 15), id: `b${d}` });
  }
  for (let i = 0; i < 3; i++) events.push({ metric: 'rep.orders', value: 1, ts: at(31, 23, 10 + i * 10), id: `late${i}` });
  events.push({ metric: 'rep.orders', value: 1, ts: Date.UTC(2026, 8, 30, 12), id: 'sep' });
  events.push({ metric: 'rep.orders', value: 1, ts: Date.UTC(2026, 10, 1, 0, 30), id: 'nov' });
  await postEvents(server, events);
  await waitFor(async () => {
    const r = await server.clickhouse.query({ query: "SELECT count() AS n FROM events WHERE metric LIKE 'rep.%'", format: 'JSONEachRow' });
    return Number((await r.json<{ n: string }>())[0]?.n) === events.length ? true : undefined;
  }, 'the events stored');
  const annotate = await apiFetch(server, '/api/v1/annotations', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kpi: 'orders-mtd', ts: at(14, 9), kind: 'campaign', text: 'Autumn sale starts' }),
  });
  expect(annotate.status).toBe(201);
  // a check-in and an alert of that month: written as the server writes them, with October times
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
      {
        id: 'c2',
        subject_kind: 'objective',
        subject_id: 'people',
        confidence: 'high',
        narrative: 'Hiring on plan',
        value: null,
        author: 'cy',
        at: at(21, 10),
      },
    ],
  });
  await server.clickhouse.insert({
    table: 'alert_transitions',
    format: 'JSONEachRow',
    values: [
      {
        key: 'k1',
        rule: 'orders-low',
        kpi: 'orders-hour',
        series: '',
        episode: 1,
        from_state: 'pending',
        to_state: 'alerting',
        reason: 'below 5 for 10m',
        value: 1,
        threshold: 5,
        at: at(10, 3),
      },
    ],
  });
}, 120_000);

afterAll(() => server?.stop());

async function report(query: string): Promise<MonthlyReport> {
  const res = await apiFetch(server, `/api/v1/reports/monthly?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as MonthlyReport;
}

describe('the monthly report', () => {
  it("has the history API's numbers for a closed month: the daily trend, the month-end value and the month's period target", async () => {
    const r = await report(`month=${MONTH}`);
    expect(r.objectives.map((o) => [o.id, o.depth])).toEqual([
      ['sales', 0],
      ['online', 1],
      ['people', 0],
    ]);
    for (const kpi of r.kpis) {
      const from = Date.UTC(2026, 9, 1);
      const to = Date.UTC(2026, 10, 1);
      const res = await apiFetch(server, `/api/v1/kpis/${kpi.id}/series?from=${from}&to=${to}&step=86400000`);
      const series = (await res.json()) as SeriesResponse;
      expect(kpi.trend, kpi.id).toEqual(series.points);
      expect(kpi.value, kpi.id).toEqual(series.points.at(-1)?.[1] ?? null);
    }
    const byId = new Map(r.kpis.map((k) => [k.id, k]));
    // what those numbers are: every October order (31 + 3 late), not September's or November's
    expect(byId.get('orders-mtd')).toMatchObject({ value: 34, target: 40, status: 'at_risk' });
    expect(byId.get('orders-mtd')?.attainment).toBeCloseTo(85, 5);
    // the last hour of the month: the three late orders
    expect(byId.get('orders-hour')?.value).toBe(3);
    expect(byId.get('basket')?.value).toBe(71);
    expect(byId.get('hires')).toMatchObject({ value: null, status: 'no_data' });
    expect(byId.get('orders-mtd')?.annotations).toEqual([
      { ts: at(14, 9), kind: 'campaign', text: 'Autumn sale starts', author: expect.any(String) as string },
    ]);
    expect(byId.get('orders-hour')?.alerts).toEqual([
      { at: at(10, 3), rule: 'orders-low', from: 'pending', to: 'alerting', reason: 'below 5 for 10m', value: 1 },
    ]);
    expect(r.checkins.map((c) => c.narrative)).toEqual(['Shop relaunch slipped a week', 'Hiring on plan']);
  });

  it("narrows to an objective's subtree", async () => {
    const r = await report(`month=${MONTH}&objective=online`);
    expect(r.scope).toEqual({ objective: 'online', name: 'Sell online' });
    expect(r.objectives.map((o) => o.id)).toEqual(['online']);
    expect(r.kpis.map((k) => k.id).sort()).toEqual(['orders-hour', 'orders-mtd']);
    expect(r.checkins.map((c) => c.narrative)).toEqual(['Shop relaunch slipped a week']);
  });

  it('says what is wrong with a bad month or objective', async () => {
    const bad = await apiFetch(server, '/api/v1/reports/monthly?month=2026-13');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: unknown } }).error.details).toEqual([
      { field: 'month', message: '"2026-13" is not a month like 2026-11' },
    ]);
    expect((await apiFetch(server, '/api/v1/reports/monthly')).status).toBe(400);
    expect((await apiFetch(server, '/api/v1/reports/monthly?month=2099-01')).status).toBe(400);
    expect((await apiFetch(server, `/api/v1/reports/monthly?month=${MONTH}&objective=nope`)).status).toBe(404);
  });

  it('downloads as a valid PDF with the KPI names and their month-end values', async () => {
    const res = await apiFetch(server, `/api/v1/reports/monthly/pdf?month=${MONTH}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('northstar-report-2026-10.pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: bytes });
    const { text } = await parser.getText();
    await parser.destroy();
    expect(text).toContain('Monthly report — October 2026');
    for (const name of ['Orders this month', 'Orders last hour', 'Basket size', 'Hires', 'Sell online', 'Hire well'])
      expect(text).toContain(name);
    expect(text).toContain('34 orders of 40 orders');
    expect(text).toContain('85 % · At risk');
    expect(text).toContain('€71 of €50');
    expect(text).toContain('Shop relaunch slipped a week');
    expect(text).toContain('Autumn sale starts');
  });
});
