/**
 * History query benchmark: synthetic events loaded straight into chdb (INSERT … SELECT
 * from numbers(), through the rollup views as live ingest would fill them), then the
 * analysts' queries timed over many repetitions:
 *   - a 30-day KPI series (querySeries: the hour rollup), budget p99 ≤ 50 ms;
 *   - a 24-hour breakdown by a dimension (raw edges + hour rollup);
 *   - a quarter-to-date series with previous-period and last-year comparisons.
 *
 *   node --import tsx bench/history/run.ts [--events 100000000] [--metrics 100] [--days 90] [--reps 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { calendarSpan, KpiSchema, type KpiDefinition } from '@northstar/shared';
import { seriesComparison } from '../../apps/server/src/history/comparison.ts';
import { queryBreakdown } from '../../apps/server/src/store/breakdown-query.ts';
import { openClickHouse } from '../../apps/server/src/store/clickhouse.ts';
import { migrate } from '../../apps/server/src/store/migrations.ts';
import { querySeries, seriesPlan, type SeriesRange } from '../../apps/server/src/store/series-query.ts';
import { numberOption, wantsHelp } from '../support.ts';

const BUDGET_SERIES_P99_MS = 50;
/** Rows per INSERT … SELECT: large blocks keep the views' partial aggregates few. */
const LOAD_CHUNK_ROWS = 10_000_000;
/** How long to wait for the load's background merges before timing queries. */
const MERGE_SETTLE_MAX_MS = 300_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

if (wantsHelp()) {
  console.log('usage: node --import tsx bench/history/run.ts [--events N] [--metrics N] [--days N] [--reps N]');
  process.exit(0);
}
const totalEvents = Math.round(numberOption('events', 100_000_000));
const metrics = Math.round(numberOption('metrics', 100));
const days = Math.round(numberOption('days', 90));
const reps = Math.round(numberOption('reps', 200));

const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-bench-history-'));
const store = openClickHouse({ clickhouseUrl: undefined, dataDir });
const client = store.client;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function time(label: string, n: number, run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const r = { p50: percentile(ms, 50), p99: percentile(ms, 99) };
  console.log(`${label.padEnd(58)} p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${n} runs)`);
  return r;
}

async function scalar(query: string): Promise<number> {
  const r = await client.query({ query, format: 'JSONEachRow' });
  return Number(Object.values((await r.json<Record<string, string>>())[0] ?? {})[0]);
}

try {
  await migrate(client);
  const endMs = Math.floor(Date.now() / HOUR) * HOUR;
  const startMs = endMs - days * DAY;
  console.log(`loading ${totalEvents.toLocaleString('en')} events: ${metrics} metrics over ${days} days, dims region (5) × tier (3)`);
  const loadStarted = performance.now();
  for (let offset = 0; offset < totalEvents; offset += LOAD_CHUNK_ROWS) {
    const rows = Math.min(LOAD_CHUNK_ROWS, totalEvents - offset);
    // events spread evenly in time, metrics and dims from hashes of the row number
    await client.command({
      query: `INSERT INTO events (metric, ts, value, id, dims, source, received_at)
        SELECT concat('bench.m', toString(number % ${metrics})),
               fromUnixTimestamp64Milli(toInt64(${startMs} + intDiv(number * ${days * DAY}, ${totalEvents}))),
               (cityHash64(number) % 10000) / 10,
               '',
               map('region', ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'][1 + intHash32(number) % 5],
                   'tier', ['free', 'pro', 'enterprise'][1 + intHash32(number + 1) % 3]),
               'bench', now64(3)
        FROM numbers(${offset}, ${rows})
        SETTINGS max_block_size = 1048576, min_insert_block_size_rows = 1048576, max_insert_block_size = 1048576, insert_deduplicate = 0`,
    });
    const seconds = (performance.now() - loadStarted) / 1000;
    process.stderr.write(
      `  ${(offset + rows).toLocaleString('en')} events, ${Math.round((offset + rows) / seconds).toLocaleString('en')} events/s\n`,
    );
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  console.log(
    `loaded ${totalEvents.toLocaleString('en')} events in ${loadSeconds.toFixed(1)} s: ${Math.round(totalEvents / loadSeconds).toLocaleString('en')} events/s (raw table and minute, hour and day rollups)`,
  );
  for (const t of ['events', 'events_rollup_1m', 'events_rollup_1h', 'events_rollup_1d']) {
    const rows = await scalar(`SELECT sum(rows) FROM system.parts WHERE active AND table = '${t}'`);
    const bytes = await scalar(`SELECT sum(bytes_on_disk) FROM system.parts WHERE active AND table = '${t}'`);
    console.log(`  ${t.padEnd(18)} ${rows.toLocaleString('en').padStart(14)} rows  ${(bytes / 2 ** 20).toFixed(0).padStart(7)} MiB`);
  }

  // A bulk load leaves ~100 fresh parts per table for background merges to fold together
  // on the same 2 cores; queries timed during that backlog measure the merges. Time them
  // once it has settled, as a store that has been ingesting all along would be.
  const settleStarted = performance.now();
  while (performance.now() - settleStarted < MERGE_SETTLE_MAX_MS && (await scalar('SELECT count() FROM system.merges')) > 0) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  const parts = await scalar(`SELECT count() FROM system.parts WHERE active AND table LIKE 'events%'`);
  console.log(`background merges settled after ${((performance.now() - settleStarted) / 1000).toFixed(0)} s (${parts} active parts)`);

  const kpi = (input: Record<string, unknown>): KpiDefinition =>
    KpiSchema.parse({ objective: 'bench', target: 1, name: String(input.id), ...input });
  const revenue = kpi({ id: 'revenue', metric: 'bench.m7', aggregation: 'sum', window: '1h' });
  const latency = kpi({ id: 'latency', metric: 'bench.m8', aggregation: 'p95', window: '1h', filter: { region: 'eu-west' } });
  const qtd = kpi({ id: 'qtd', metric: 'bench.m9', aggregation: 'sum', window: 'quarter_to_date', timezone: 'Europe/Berlin' });

  // the API's automatic step for 30 days: 3 h (at most ~300 points)
  const series30: SeriesRange = { fromMs: endMs - 30 * DAY, toMs: endMs, stepMs: 3 * HOUR };
  console.log(`\n30-day series: step 3h, source ${seriesPlan(revenue, series30.stepMs).source} rollup`);
  const sum30 = await time('30-day series, sum KPI', reps, () => querySeries(client, revenue, series30));
  await time('30-day series, p95 KPI with a filter', reps, () => querySeries(client, latency, series30));
  await time('30-day series, sum KPI from raw events (for contrast)', Math.min(reps, 20), () =>
    querySeries(client, revenue, series30, { source: 'events' }),
  );

  const now = endMs - 17 * 60_000 - 4321;
  console.log('\n24-hour breakdown by region (unaligned range: raw edges + hour rollup)');
  await time('24-hour breakdown, sum KPI, top 5 + other', reps, () =>
    queryBreakdown(client, revenue, { fromMs: now - DAY, toMs: now, dim: 'region', top: 5 }),
  );
  await time('24-hour breakdown, p95 KPI, top 5 + other', reps, () =>
    queryBreakdown(client, latency, { fromMs: now - DAY, toMs: now, dim: 'tier', top: 5 }),
  );

  const quarter = calendarSpan('quarter_to_date', 'Europe/Berlin', endMs);
  const qtdRange: SeriesRange = { fromMs: quarter.startMs, toMs: endMs, stepMs: 6 * HOUR };
  console.log(
    `\nquarter-to-date (${((endMs - quarter.startMs) / DAY).toFixed(1)} days, step 6h, source ${seriesPlan(qtd, qtdRange.stepMs).source} rollup) with previous and last-year comparisons`,
  );
  await time('quarter-to-date series + previous + last year', reps, async () => {
    const points = await querySeries(client, qtd, qtdRange);
    return seriesComparison(
      (r) => querySeries(client, qtd, r),
      ['previous', 'last_year'],
      qtdRange,
      qtd.timezone,
      points.map((p) => p[0]),
    );
  });

  const verdict = sum30.p99 <= BUDGET_SERIES_P99_MS ? 'within' : 'OVER';
  console.log(`\nbudget: 30-day series p99 ${sum30.p99.toFixed(1)} ms, ${verdict} the ${BUDGET_SERIES_P99_MS} ms budget`);
} finally {
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
}
