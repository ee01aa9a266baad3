import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakdownResponse, ExportResponse, SeriesResponse } from '@northstar/shared';
import { KEEP_HISTORY_ENV, postEvents, startTestServer, type TestServer } from './support/harness.ts';

const CONFIG = `
objectives:
  - { id: sales, name: Sell more }
kpis:
  - { id: sales, name: Sales, objective: sales, metric: hist.sales, aggregation: sum, window: 1h, unit: €, target: 1000 }
  - { id: basket, name: Basket, objective: sales, metric: hist.sales, aggregation: avg, window: 1h, target: 20 }
  - { id: daily, name: Daily sales, objective: sales, metric: hist.sales, aggregation: sum, window: 1d, timezone: Europe/Berlin, target: 5 }
`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const REGIONS = ['eu', 'eu', 'eu', 'us', 'us', 'apac', 'latam', 'mea'];
const THIS_YEAR = Date.UTC(2026, 10, 10);
const LAST_YEAR = Date.UTC(2025, 10, 10);

interface Ev {
  metric: string;
  value: number;
  ts: number;
  dims: Record<string, string>;
}

/** Two days every 10 minutes; last year's values are twice this year's. */
function events(start: number, factor: number): Ev[] {
  const out: Ev[] = [];
  for (let i = 0; i < 2 * 144; i++) {
    const dims: Record<string, string> = { region: REGIONS[i % REGIONS.length] as string };
    if (i % 11 === 0) delete dims.region;
    out.push({ metric: 'hist.sales', value: factor * (1 + ((i * 7) % 13)), ts: start + i * 600_000 + 1234, dims });
  }
  return out;
}

let server: TestServer;
const now = events(THIS_YEAR, 1);

beforeAll(async () => {
  server = await startTestServer({ config: CONFIG, env: KEEP_HISTORY_ENV });
  await postEvents(server, [...now, ...events(LAST_YEAR, 2)]);
});
afterAll(async () => {
  await server?.stop();
});

const get = async (path: string) => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, headers: res.headers, text: await res.text() };
};
const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${server.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
};
const iso = (ms: number) => new Date(ms).toISOString();

describe('series comparisons', () => {
  it('lays the previous period and last year onto the requested timestamps', async () => {
    const from = THIS_YEAR + DAY;
    const to = from + DAY;
    const { status, body } = await getJson<SeriesResponse>(
      `/api/v1/kpis/sales/series?from=${iso(from)}&to=${iso(to)}&step=1h&compare=previous,last_year`,
    );
    expect(status).toBe(200);
    expect(body.points).toHaveLength(24);
    const previous = await getJson<SeriesResponse>(`/api/v1/kpis/sales/series?from=${iso(from - DAY)}&to=${iso(from)}&step=1h`);
    const times = body.points.map((p) => p[0]);
    expect(body.comparison?.previous).toEqual(previous.body.points.map((p, i) => [times[i], p[1]]));
    expect(body.comparison?.lastYear).toEqual(body.points.map(([t, v]) => [t, v === null ? null : 2 * v]));
  });

  it('names a bad compare value', async () => {
    const { status, body } = await getJson<{ error: { details: Array<{ field: string }> } }>(
      `/api/v1/kpis/sales/series?compare=yesterday&step=0`,
    );
    expect(status).toBe(400);
    expect(body.error.details.map((d) => d.field).sort()).toEqual(['compare', 'step']);
  });
});

describe('breakdown', () => {
  function expected(from: number, to: number, agg: 'sum' | 'avg') {
    const inRange = now.filter((e) => e.ts >= from && e.ts < to);
    const value = (xs: Ev[]) => {
      if (xs.length === 0) return null;
      const s = xs.reduce((a, e) => a + e.value, 0);
      return agg === 'sum' ? s : s / xs.length;
    };
    const groups = [...new Set(inRange.flatMap((e) => (e.dims.region ? [e.dims.region] : [])))]
      .map((g) => ({ value: g, total: value(inRange.filter((e) => e.dims.region === g)) as number }))
      .sort((a, b) => b.total - a.total || a.value.localeCompare(b.value));
    return { groups, value, inRange };
  }

  for (const [label, from, to] of [
    ['whole days (day rollup)', THIS_YEAR, THIS_YEAR + 2 * DAY],
    ['an unaligned range (raw edges, minute and hour rollups)', THIS_YEAR + 7 * 60_000 + 30_500, THIS_YEAR + DAY + 5 * HOUR + 52_123],
  ] as const) {
    it(`ranks groups and sums the rest as "other" over ${label}`, async () => {
      const { status, body } = await getJson<BreakdownResponse>(`/api/v1/kpis/sales/breakdown?dim=region&top=3&from=${from}&to=${to}`);
      expect(status).toBe(200);
      const want = expected(from, to, 'sum');
      expect(body.groups.map((g) => g.value)).toEqual(want.groups.slice(0, 3).map((g) => g.value));
      body.groups.forEach((g, i) => expect(g.total).toBeCloseTo(want.groups[i]?.total as number, 9));
      const total = want.value(want.inRange) as number;
      expect(body.other).toBeCloseTo(total - body.groups.reduce((s, g) => s + (g.total ?? 0), 0), 9);

      const avg = await getJson<BreakdownResponse>(`/api/v1/kpis/basket/breakdown?dim=region&top=2&from=${from}&to=${to}`);
      const wantAvg = expected(from, to, 'avg');
      expect(avg.body.groups.map((g) => g.value)).toEqual(wantAvg.groups.slice(0, 2).map((g) => g.value));
      const tops = new Set(avg.body.groups.map((g) => g.value));
      // for an average, "other" is the average of every event outside the top groups
      expect(avg.body.other).toBeCloseTo(wantAvg.value(wantAvg.inRange.filter((e) => !tops.has(e.dims.region ?? '\u0000'))) as number, 9);
    });
  }

  it('adds each top group’s series when a step is given', async () => {
    const from = THIS_YEAR + DAY;
    const { body } = await getJson<BreakdownResponse>(
      `/api/v1/kpis/sales/breakdown?dim=region&top=2&from=${from}&to=${from + DAY}&step=1h`,
    );
    expect(body.stepMs).toBe(HOUR);
    expect(body.series?.map((s) => s.value)).toEqual(body.groups.map((g) => g.value));
    for (const [i, s] of (body.series ?? []).entries()) {
      expect(s.points).toHaveLength(24);
      expect(s.points.reduce((a, p) => a + (p[1] ?? 0), 0)).toBeCloseTo(body.groups[i]?.total as number, 9);
    }
  });

  it('validates dim and top', async () => {
    const { status, body } = await getJson<{ error: { details: Array<{ field: string }> } }>(
      `/api/v1/kpis/sales/breakdown?dim=${encodeURIComponent("x'] OR 1=1")}&top=0`,
    );
    expect(status).toBe(400);
    expect(body.error.details.map((d) => d.field)).toEqual(['dim', 'top']);
    expect((await get('/api/v1/kpis/nope/breakdown?dim=region')).status).toBe(404);
  });
});

describe('export', () => {
  const from = THIS_YEAR + DAY;
  const to = from + 6 * HOUR;

  it('exports CSV with a header, ISO timestamps and the target in force, as an attachment', async () => {
    const res = await get(`/api/v1/kpis/sales/export?format=csv&from=${from}&to=${to}&step=1h`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sales_2026-11-11T0000_2026-11-11T0600.csv"');
    const series = await getJson<SeriesResponse>(`/api/v1/kpis/sales/series?from=${from}&to=${to}&step=1h`);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe('ts,value,target,low,high');
    expect(lines.slice(1, -1)).toEqual(series.body.points.map(([t, v]) => `${iso(t)},${v ?? ''},1000,,`));
    expect(lines.at(-1)).toBe('');
  });

  it('exports JSON, and names a bad format', async () => {
    const res = await fetch(
      `${server.url}/api/v1/kpis/daily/export?format=json&from=${iso(THIS_YEAR - DAY)}&to=${iso(THIS_YEAR + 2 * DAY)}&step=1d`,
    );
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="daily_.*\.json"$/);
    const body = (await res.json()) as ExportResponse;
    expect(body).toMatchObject({ kpi: 'daily', name: 'Daily sales', stepMs: DAY });
    // local Berlin days: points at 23:00 UTC
    expect(body.rows.map((r) => r.ts)).toEqual(['2026-11-09T23:00:00.000Z', '2026-11-10T23:00:00.000Z', '2026-11-11T23:00:00.000Z']);
    expect(body.rows[0]?.target).toBe(5);
    const bad = await getJson<{ error: { details: Array<{ field: string }> } }>(`/api/v1/kpis/sales/export?format=xml`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.field)).toEqual(['format']);
  });
});

describe('automatic steps that always fit', () => {
  it('answers /series from 2000 to now with the automatic step, within the point limit', async () => {
    for (const kpi of ['sales', 'daily']) {
      const res = await getJson<SeriesResponse>(`/api/v1/kpis/${kpi}/series?from=2000-01-01T00:00:00Z`);
      expect({ kpi, status: res.status }).toEqual({ kpi, status: 200 });
      expect(res.body.points.length).toBeGreaterThan(100);
      expect(res.body.points.length).toBeLessThanOrEqual(5000);
    }
  });

  it('backtests a year of a 1-minute detector on a coarser step instead of refusing', async () => {
    const to = Date.now();
    for (const days of [30, 92, 365]) {
      const res = await fetch(`${server.url}/api/v1/detect/backtest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kpi: 'sales', from: to - days * DAY, to }),
      });
      expect({ days, status: res.status }).toEqual({ days, status: 200 });
      const body = (await res.json()) as { stepMs: number; points: unknown[] };
      expect(body.points.length).toBeLessThanOrEqual(20_000);
      expect((days * DAY) / body.stepMs).toBeLessThanOrEqual(20_000);
    }
  });
});

describe('the dimensions a KPI’s events carry', () => {
  it('lists each dimension name with how many events carry it, from the store', async () => {
    const res = await getJson<{ events: number; dimensions: Array<{ name: string; events: number }> }>(
      `/api/v1/kpis/sales/dimensions?from=${iso(THIS_YEAR)}&to=${iso(THIS_YEAR + 2 * DAY)}`,
    );
    expect(res.status).toBe(200);
    // 288 events, every 11th without a region
    expect(res.body).toMatchObject({ events: 288, dimensions: [{ name: 'region', events: 288 - 27 }] });
    const empty = await getJson<{ events: number; dimensions: unknown[] }>(
      `/api/v1/kpis/sales/dimensions?from=${iso(THIS_YEAR - 10 * DAY)}&to=${iso(THIS_YEAR - 9 * DAY)}`,
    );
    expect(empty.body).toMatchObject({ events: 0, dimensions: [] });
    expect((await get('/api/v1/kpis/nope/dimensions')).status).toBe(404);
  });
});
