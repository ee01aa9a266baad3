import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KpiSchema } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { historyReadsFor } from '../apps/server/src/store/read-paths.ts';
import { querySeries } from '../apps/server/src/store/series-query.ts';

/**
 * History reads on chdb inline their parameters as typed literals (store/inline-params.ts)
 * instead of binding them: hostile text must come back as the same text, select exactly the
 * rows it names, and a chart must not wait in chdb-node's process-wide chain of bound queries.
 */
let dataDir: string;
let store: ClickHouse;
const NOW = Date.now();
const HOSTILE = [
  "x' OR 1=1 --",
  "'; DROP TABLE events; --",
  'back\\slash at the end \\',
  "\\' escaped quote",
  'tab\tnewline\ncr\r',
  '{m0:String} looks like a placeholder',
  'ünïcödé ✓ 𝄞',
  "')) UNION ALL SELECT 1 --",
];

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-history-reads-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir });
  await migrate(store.client);
});
afterAll(async () => {
  await store?.client.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('history reads with inlined parameters', () => {
  it('gives back hostile text exactly, alone and in arrays', async () => {
    const reads = historyReadsFor(store.client);
    for (const s of HOSTILE) {
      const rows = await reads.rows<{ v: string; n: number }>('SELECT {s:String} AS v, length({s:String}) AS n', { s });
      expect(rows).toEqual([{ v: s, n: Buffer.byteLength(s) }]);
    }
    const [row] = await reads.rows<{ a: string[] }>('SELECT {a:Array(String)} AS a', { a: HOSTILE });
    expect(row?.a).toEqual(HOSTILE);
  });

  it('filters a series by a hostile dimension value: exactly the rows carrying it', async () => {
    // a KPI's filter is plain text (the schema refuses control characters)
    const regions = HOSTILE.filter((s) => !/[\t\n\r]/.test(s));
    const minute = Math.floor(NOW / 60_000) * 60_000 - 10 * 60_000;
    const events = regions.map((region, i) => ({
      metric: 'hostile.sales',
      ts: minute + i,
      value: 10 ** i,
      id: `h${i}`,
      dims: { region },
    }));
    await new EventStore(store.client).insertEvents(events, 'http');
    for (const [i, region] of regions.entries()) {
      const kpi = KpiSchema.parse({
        id: `k${i}`,
        name: 'k',
        objective: 'o',
        target: 1,
        metric: 'hostile.sales',
        aggregation: 'sum',
        window: '1h',
        filter: { region },
      });
      const to = Math.ceil(NOW / 60_000) * 60_000;
      const series = await querySeries(store.client, kpi, { fromMs: to - 3_600_000, toMs: to, stepMs: 60_000 });
      expect(series.at(-1)?.[1]).toBe(10 ** i);
    }
  });

  it('a chart does not wait behind a bound query running on another connection', async () => {
    const order: string[] = [];
    // a bound statement of the wall's kind that holds the engine for 3 s
    const slow = store.client
      .query({ query: 'SELECT {x:UInt8} AS x, sleep(3) AS s', query_params: { x: 1 }, format: 'JSONEachRow' })
      .then((r) => r.json())
      .then(() => order.push('bound query'));
    await new Promise((r) => setTimeout(r, 200));
    const kpi = KpiSchema.parse({
      id: 'k',
      name: 'k',
      objective: 'o',
      target: 1,
      metric: 'hostile.sales',
      aggregation: 'sum',
      window: '1h',
    });
    const to = Math.ceil(NOW / 60_000) * 60_000;
    await querySeries(store.client, kpi, { fromMs: to - 3_600_000, toMs: to, stepMs: 60_000 }).then(() => order.push('chart'));
    await slow;
    expect(order).toEqual(['chart', 'bound query']);
  });

  it('a chart does not wait for statements queued on another connection (chdb-node would block libuv threads with them)', async () => {
    const order: string[] = [];
    // eight statements queued on the shared connection at once, as the wall's reads and grouped inserts queue
    const queued = Array.from({ length: 8 }, (_, i) =>
      store.client
        .query({ query: 'SELECT sleep(0.5) AS s', format: 'JSONEachRow' })
        .then((r) => r.json())
        .then(() => order.push(`queued ${i}`)),
    );
    await new Promise((r) => setTimeout(r, 100));
    await historyReadsFor(store.client)
      .rows('SELECT {x:UInt8} AS x', { x: 1 })
      .then(() => order.push('chart'));
    await Promise.all(queued);
    // queued in chdb-node, they held libuv's threads and the chart came after most of them (~2.5 s)
    expect(order.indexOf('chart')).toBeLessThan(2);
  });
});
