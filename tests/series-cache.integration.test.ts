import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSchema, type BreakdownResponse, type KpiDefinition, type SeriesPoint, type SeriesResponse } from '@northstar/shared';
import { historyReadsFor } from '../apps/server/src/store/read-paths.ts';
import type { SeriesCache } from '../apps/server/src/store/series-cache.ts';
import { querySeries, type SeriesRange } from '../apps/server/src/store/series-query.ts';
import { apiFetch, KEEP_HISTORY_ENV, postEvents, startTestServer, type TestServer } from './support/harness.ts';

/**
 * The history series cache (store/series-cache.ts) on the real product: chdb, events posted
 * through POST /api/v1/events (the ingest path), series read through the API and querySeries.
 * Its answers must be the store's: after a late event lands in a cached bucket, and for any
 * overlapping or unaligned range, in UTC and in a zone whose days change length (DST).
 */
const CONFIG = `
objectives:
  - { id: o, name: O }
kpis:
  - { id: sales, name: Sales, objective: o, metric: cache.sales, aggregation: sum, window: 1h, target: 1 }
`;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Berlin leaves summer time on 2026-10-25: a 25-hour local day in the middle of the data. */
const START = Date.UTC(2026, 9, 20);
const END = Date.UTC(2026, 9, 31);
const REGIONS = ['eu', 'us', 'apac'];

let server: TestServer;
let cache: SeriesCache;

beforeAll(async () => {
  server = await startTestServer({ config: CONFIG, env: KEEP_HISTORY_ENV });
  cache = historyReadsFor(server.clickhouse).cache!;
  const events = [];
  for (let t = START + 1234, i = 0; t < END; t += 10 * MIN, i++) {
    events.push({ metric: 'cache.sales', value: 1 + ((i * 7) % 13), ts: t, dims: { region: REGIONS[i % 3]! } });
  }
  await postEvents(server, events);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const iso = (ms: number) => new Date(ms).toISOString();
const series = async (fromMs: number, toMs: number): Promise<SeriesPoint[]> => {
  const res = await apiFetch(server, `/api/v1/kpis/sales/series?from=${iso(fromMs)}&to=${iso(toMs)}&step=1h`);
  expect(res.status).toBe(200);
  return ((await res.json()) as SeriesResponse).points;
};
async function lookups(result: string): Promise<number> {
  const text = await (await apiFetch(server, '/metrics')).text();
  return Number(new RegExp(`^northstar_history_cache_lookups_total\\{result="${result}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
}
/** The store's own answer: the cache off for the one query. */
async function fromStore(kpi: KpiDefinition, range: SeriesRange): Promise<SeriesPoint[]> {
  cache.setEnabled(false);
  try {
    return await querySeries(server.clickhouse, kpi, range);
  } finally {
    cache.setEnabled(true);
  }
}

describe('history series cache', () => {
  it('is on for the embedded store', () => {
    expect(cache).toBeDefined();
    expect(cache.enabled).toBe(true);
  });

  it('a late event posted into an old, cached bucket is in the next answer', async () => {
    const from = START + DAY;
    const to = from + 2 * DAY;
    const first = await series(from, to);
    const hits = await lookups('hit');
    expect(await series(from, to)).toEqual(first);
    expect(await lookups('hit')).toBe(hits + 1);

    // five hours into the cached range: the point ending 05:00 + 1 h holds it (1-hour window)
    const late = from + 5 * HOUR + 10 * MIN;
    await postEvents(server, [{ metric: 'cache.sales', value: 1000, ts: late, dims: { region: 'eu' } }]);
    const after = await series(from, to);
    const at = (points: SeriesPoint[], t: number) => points.find((p) => p[0] === t)?.[1];
    expect(at(after, from + 6 * HOUR)).toBe((at(first, from + 6 * HOUR) ?? 0) + 1000);
    // and everything else as the store has it
    const sales = KpiSchema.parse({
      id: 'sales',
      name: 'Sales',
      objective: 'o',
      metric: 'cache.sales',
      aggregation: 'sum',
      window: '1h',
      target: 1,
    });
    expect(after).toEqual(await fromStore(sales, { fromMs: from, toMs: to, stepMs: HOUR }));
  });

  it('a late event posted into the range of a cached breakdown is in the next answer', async () => {
    const from = START + 4 * DAY + 17 * MIN;
    const to = from + DAY;
    const breakdown = async () => {
      const res = await apiFetch(server, `/api/v1/kpis/sales/breakdown?dim=region&from=${iso(from)}&to=${iso(to)}&top=2`);
      expect(res.status).toBe(200);
      return (await res.json()) as BreakdownResponse;
    };
    const first = await breakdown();
    const hits = await lookups('hit');
    expect(await breakdown()).toEqual(first);
    expect(await lookups('hit')).toBe(hits + 1);
    // an edge of raw events (the range is not on the hour): the late event is in it
    await postEvents(server, [{ metric: 'cache.sales', value: 1000, ts: from + 5 * MIN, dims: { region: 'apac' } }]);
    const after = await breakdown();
    const total = (b: BreakdownResponse, g: string) => b.groups.find((x) => x.value === g)?.total ?? 0;
    expect(total(after, 'apac')).toBe(total(first, 'apac') + 1000);
    cache.setEnabled(false);
    try {
      expect(after).toEqual(await breakdown());
    } finally {
      cache.setEnabled(true);
    }
  });

  it('answers every overlapping and unaligned range as the store does, in UTC and across a DST change', async () => {
    const kpi = (input: Record<string, unknown>): KpiDefinition =>
      KpiSchema.parse({ objective: 'o', target: 1, name: String(input.id), metric: 'cache.sales', ...input });
    const kpis = [
      kpi({ id: 'sum1h', aggregation: 'sum', window: '1h' }),
      kpi({ id: 'p95eu', aggregation: 'p95', window: '3h', filter: { region: 'eu' } }),
      kpi({ id: 'daily', aggregation: 'sum', window: '1d', timezone: 'Europe/Berlin' }),
      kpi({ id: 'wtd', aggregation: 'count', window: 'week_to_date', timezone: 'Europe/Berlin' }),
      kpi({ id: 'mtd', aggregation: 'avg', window: 'month_to_date', timezone: 'America/New_York' }),
    ];
    const ranges = (stepMs: number): SeriesRange[] => [
      // first a range, then overlapping ones: newer, older, inside, unaligned at both ends
      { fromMs: START + 2 * DAY, toMs: START + 5 * DAY, stepMs },
      // a chart's repeat a few minutes later: no new point has ended
      { fromMs: START + 2 * DAY + 10 * MIN, toMs: START + 5 * DAY + 10 * MIN, stepMs },
      { fromMs: START + 3 * DAY, toMs: START + 7 * DAY, stepMs },
      { fromMs: START + DAY + 17 * MIN, toMs: START + 4 * DAY + 5 * HOUR + 3 * MIN, stepMs },
      { fromMs: START + 2 * DAY + 7 * HOUR + 59 * MIN, toMs: START + 6 * DAY + 13 * HOUR, stepMs },
      { fromMs: START + 3 * DAY + 1, toMs: START + 3 * DAY + 1 + stepMs, stepMs },
      { fromMs: START + 2 * DAY, toMs: START + 9 * DAY + 30 * MIN, stepMs },
    ];
    const seen = { hit: 0, partial: 0, miss: 0 };
    cache.onLookup((r) => seen[r]++);
    for (const k of kpis) {
      for (const stepMs of [HOUR, 3 * HOUR, DAY]) {
        const expected = [];
        for (const r of ranges(stepMs)) expected.push(await fromStore(k, r));
        cache.clear();
        for (const [i, r] of ranges(stepMs).entries()) {
          const got = await querySeries(server.clickhouse, k, r);
          expect(got, `${k.id}, step ${stepMs / HOUR} h, range ${i}`).toEqual(expected[i]);
          expect(got.length).toBeGreaterThan(0);
          // served again (a hit now) it is still the same
          expect(await querySeries(server.clickhouse, k, r), `${k.id}, step ${stepMs / HOUR} h, range ${i} again`).toEqual(expected[i]);
        }
      }
    }
    // the ranges were served whole, in part and not at all from memory
    expect(seen.hit).toBeGreaterThan(0);
    expect(seen.partial).toBeGreaterThan(0);
    expect(seen.miss).toBeGreaterThan(0);
  }, 180_000);
});
