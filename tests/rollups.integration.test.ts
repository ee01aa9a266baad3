import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSchema, type KpiInput, type MetricEvent } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { applyRetention } from '../apps/server/src/store/retention.ts';
import { querySeries, seriesPlan } from '../apps/server/src/store/series-query.ts';

/**
 * Rollups against raw events, on real chdb: every aggregation over the rollup a step picks
 * must equal the same series computed from raw events. Values are small integers and each
 * window holds fewer than 8192 values, so sums are exact and the percentile reservoirs
 * hold every value: equality is exact up to floating-point summation order.
 */
let dataDir: string;
let store: ClickHouse;
const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Two whole UTC days ending at a midnight. */
const END = Date.UTC(2026, 10, 20);
const START = END - 2 * DAY;
const REGIONS = ['eu', 'us', 'apac'];

function historyEvents(): MetricEvent[] {
  const out: MetricEvent[] = [];
  for (let i = 0; i < 6000; i++) {
    // a spread that is not aligned to any bucket: 28.8 s apart plus a jitter
    const ts = START + Math.floor(i * 28_800 + ((i * 7919) % 9000));
    const dims = { region: REGIONS[i % 3] as string, user: `u${(i * 31) % 17}` };
    out.push({ metric: 'h.revenue', value: (i * 37) % 101, ts, id: `rev-${i}`, dims });
    if (i % 3 === 0) out.push({ metric: 'h.orders', value: 1, ts, id: `ord-${i}`, dims: { region: dims.region } });
    out.push({ metric: 'h.sessions', value: 1 + (i % 4), ts, id: `ses-${i}`, dims: { region: REGIONS[(i + 1) % 3] as string } });
  }
  return out;
}

const base = { objective: 'sales', window: '1h', target: 1 } as const;
const simple = (id: string, aggregation: KpiInput['aggregation'], extra: Partial<KpiInput> = {}): KpiInput => ({
  ...base,
  id,
  name: id,
  metric: 'h.revenue',
  aggregation,
  ...extra,
});
const KPIS: KpiInput[] = [
  ...(['sum', 'count', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99', 'rate'] as const).map((a) => simple(`k-${a}`, a)),
  simple('k-distinct', 'distinct_count', { distinctBy: 'user' }),
  simple('k-filter', 'sum', { filter: { region: 'eu' } }),
  simple('k-filter-p95', 'p95', { filter: { region: 'us' } }),
  {
    ...base,
    id: 'k-ratio',
    name: 'ratio',
    ratio: {
      numerator: { metric: 'h.orders', aggregation: 'count', filter: { region: 'eu' } },
      denominator: { metric: 'h.sessions', aggregation: 'sum' },
      scale: 100,
    },
  },
  simple('k-today', 'sum', { window: 'today', timezone: 'Europe/Berlin' }),
  simple('k-today-p90', 'p90', { window: 'today', timezone: 'Asia/Kolkata' }),
  simple('k-mtd-avg', 'avg', { window: 'month_to_date', timezone: 'America/New_York' }),
];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-rollups-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir });
  await migrate(store.client);
  const events = historyEvents();
  // several inserts, as ingest makes them: the rollups merge states across inserts
  const es = new EventStore(store.client);
  for (let i = 0; i < events.length; i += 2500) await es.insertEvents(events.slice(i, i + 2500), 'http');
});
afterAll(async () => {
  await store?.client.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function expectSameSeries(actual: Array<[number, number | null]>, expected: Array<[number, number | null]>) {
  expect(actual.map((p) => p[0])).toEqual(expected.map((p) => p[0]));
  actual.forEach(([, v], i) => {
    const want = expected[i]?.[1] ?? null;
    if (want === null) expect(v).toBeNull();
    else expect(v).toBeCloseTo(want, 9);
  });
}

describe('rollups equal raw events', () => {
  const cases: Array<[step: number, source: string]> = [
    [HOUR, 'hour'],
    [5 * 60_000, 'minute'],
    [15 * 60_000, 'minute'],
  ];
  for (const input of KPIS) {
    it(`${input.id}: every step's rollup gives the raw series`, async () => {
      const kpi = KpiSchema.parse(input);
      for (const [step, source] of cases) {
        const range = { fromMs: START + 6 * HOUR, toMs: END, stepMs: step };
        const planned = seriesPlan(kpi, step).source;
        if (input.timezone === 'Asia/Kolkata' && step === HOUR) expect(planned).toBe('minute');
        else expect(planned).toBe(source);
        const rolled = await querySeries(store.client, kpi, range);
        const raw = await querySeries(store.client, kpi, range, { source: 'events' });
        expect(rolled.length).toBe((END - range.fromMs) / step);
        expect(rolled.filter((p) => p[1] !== null).length).toBeGreaterThan(rolled.length / 2);
        expectSameSeries(rolled, raw);
      }
    });
  }

  it('keeps filtered and ratio KPIs apart from their unfiltered siblings', async () => {
    const range = { fromMs: START + 6 * HOUR, toMs: END, stepMs: HOUR };
    const all = await querySeries(store.client, KpiSchema.parse(KPIS.find((k) => k.id === 'k-sum')), range);
    const eu = await querySeries(store.client, KpiSchema.parse(KPIS.find((k) => k.id === 'k-filter')), range);
    expect(eu.at(-1)?.[1]).toBeGreaterThan(0);
    expect(eu.at(-1)?.[1]).toBeLessThan(all.at(-1)?.[1] as number);
  });
});

describe('day buckets in the KPI time zone', () => {
  // Berlin leaves summer time on 2026-10-25: that local day has 25 hours
  const DST_START = Date.UTC(2026, 9, 22);
  const half = 1_800_000;
  const berlinMidnight = (day: number) => Date.UTC(2026, 9, day) - (day <= 25 ? 2 : 1) * HOUR;

  beforeAll(async () => {
    const events: MetricEvent[] = [];
    for (let ts = DST_START; ts < Date.UTC(2026, 9, 29); ts += half) {
      events.push({ metric: 'd.visits', value: 1, ts, id: `v-${ts}`, dims: { site: ts % (3 * half) === 0 ? 'a' : 'b' } });
    }
    await new EventStore(store.client).insertEvents(events, 'http');
  });

  it('counts local days of 24 and 25 hours, from hour rollups, as raw events do', async () => {
    const daily = KpiSchema.parse({
      ...base,
      id: 'daily',
      name: 'daily',
      metric: 'd.visits',
      aggregation: 'count',
      window: '1d',
      timezone: 'Europe/Berlin',
    });
    expect(seriesPlan(daily, DAY)).toEqual({ mode: 'day', bucketMs: DAY, source: 'hour' });
    const range = { fromMs: berlinMidnight(24), toMs: berlinMidnight(28), stepMs: DAY };
    const points = await querySeries(store.client, daily, range);
    expect(points).toEqual([
      [berlinMidnight(25), 48],
      [berlinMidnight(26), 50],
      [berlinMidnight(27), 48],
      [berlinMidnight(28), 48],
    ]);
    expectSameSeries(points, await querySeries(store.client, daily, range, { source: 'events' }));
    // a day-long rate divides by the day's real length
    const rate = KpiSchema.parse({ ...daily, id: 'daily-rate', aggregation: 'rate' });
    const rates = await querySeries(store.client, rate, range);
    expect(rates[1]?.[1]).toBeCloseTo(50 / (25 * 3600), 12);
    // two-day windows and a calendar window agree with raw events too
    const twoDays = KpiSchema.parse({ ...daily, id: 'two', window: '2d', aggregation: 'p50' });
    expectSameSeries(
      await querySeries(store.client, twoDays, range),
      await querySeries(store.client, twoDays, range, { source: 'events' }),
    );
    const today = KpiSchema.parse({ ...daily, id: 'today', window: 'today', filter: { site: 'a' } });
    expect(seriesPlan(today, DAY).source).toBe('hour');
    expectSameSeries(await querySeries(store.client, today, range), await querySeries(store.client, today, range, { source: 'events' }));
  });

  it('serves UTC days from the day rollup', async () => {
    const daily = KpiSchema.parse({ ...base, id: 'daily-utc', name: 'd', metric: 'd.visits', aggregation: 'count', window: '1d' });
    expect(seriesPlan(daily, DAY).source).toBe('day');
    const range = { fromMs: Date.UTC(2026, 9, 23), toMs: Date.UTC(2026, 9, 28), stepMs: DAY };
    const points = await querySeries(store.client, daily, range);
    expect(points.map((p) => p[1])).toEqual([48, 48, 48, 48, 48]);
    expect(points[0]?.[0]).toBe(Date.UTC(2026, 9, 24));
  });
});

describe('retention', () => {
  it('sets and removes TTLs from settings, idempotently', async () => {
    await applyRetention(store.client, { rawDays: 30, minuteDays: 90, hourDays: 0, dayDays: 0 });
    await applyRetention(store.client, { rawDays: 30, minuteDays: 90, hourDays: 0, dayDays: 0 });
    const engines = async () => {
      const r = await store.client.query({
        query: `SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name LIKE 'events%' ORDER BY name`,
        format: 'JSONEachRow',
      });
      return Object.fromEntries((await r.json<{ name: string; engine_full: string }>()).map((x) => [x.name, x.engine_full]));
    };
    let e = await engines();
    expect(e.events).toMatch(/TTL toDateTime\(ts\) \+ toIntervalDay\(30\)/);
    expect(e.events_rollup_1m).toMatch(/TTL bucket \+ toIntervalDay\(90\)/);
    expect(e.events_rollup_1h).not.toMatch(/TTL/);
    await applyRetention(store.client, { rawDays: 0, minuteDays: 0, hourDays: 0, dayDays: 0 });
    e = await engines();
    expect(e.events).not.toMatch(/TTL/);
    expect(e.events_rollup_1m).not.toMatch(/TTL/);
  });
});
