/**
 * History query benchmark: synthetic events loaded straight into chdb (INSERT … SELECT
 * from numbers(), through the rollup views as live ingest would fill them), then the
 * analysts' queries timed over many repetitions:
 *   - a 30-day KPI series (querySeries: the hour rollup), budget p99 ≤ 50 ms;
 *   - a 24-hour breakdown by a dimension (raw edges + hour rollup);
 *   - a quarter-to-date series with previous-period and last-year comparisons.
 * The store is the product's: a Northstar server runs in this process (startServer, the
 * demo company's KPIs, auth off) and the load and the queries go through its client.
 * Phase 1 times the queries on a quiet store; phase 2 times the same queries while a
 * producer in a child process (ingest-load.ts) streams events at --ingest-rate through the
 * server's POST /api/v1/events, bounded by --ingest-seconds and the count that rate gives.
 * Both phases print p50/p95/p99 per query, and the ingest rate the server achieved.
 * With --read-first-ab, phase 2 times the queries with the store's read-first gate
 * (store/read-first-gate.ts) off and on (hold ≤ --read-first-hold-ms) in one invocation:
 * blocks of --ab-block rounds in the order off, on, on, off, off, on, … until each has
 * --reps rounds, so both see the same moments of the box; it prints p50/p99 per query for
 * both, the ingest rate during each, and the ratios.
 * With --cache-ab, phase 2 times the queries with the history series cache
 * (store/series-cache.ts) off and on the same way (cache-ab.ts); each "on" block starts
 * from an empty cache, and its first round (a first visit, cold) is printed apart from the
 * repeats. Phase 1 then runs with the cache off, the store's own latency.
 *
 *   node --import tsx bench/history/run.ts [--events 100000000] [--metrics 100] [--days 90] [--reps 200]
 *        [--ingest-rate 100000] [--ingest-seconds 120] [--no-ingest-phase]
 *        [--read-first-ab] [--read-first-hold-ms 200] [--cache-ab] [--ab-block 5]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { calendarSpan, KpiSchema, type KpiDefinition } from '@northstar/shared';
import { seriesComparison } from '../../apps/server/src/history/comparison.ts';
import { queryBreakdown } from '../../apps/server/src/store/breakdown-query.ts';
import pino from 'pino';
import { parseKpiConfig } from '../../apps/server/src/config/kpi-file.ts';
import { loadSettings } from '../../apps/server/src/config/settings.ts';
import { startServer } from '../../apps/server/src/server.ts';
import { historyReadsFor } from '../../apps/server/src/store/read-paths.ts';
import { querySeries, seriesPlan, type SeriesRange } from '../../apps/server/src/store/series-query.ts';
import { fmt, machineNote, numberOption, percentile, readMetrics, REPO_ROOT, wantsHelp } from '../support.ts';
import type { LoadReport } from './ingest-load.ts';
import { timeCacheAB } from './cache-ab.ts';
import { timeReadFirstAB } from './read-first-ab.ts';

const BUDGET_SERIES_P99_MS = 50;
/** Rows per INSERT … SELECT: large blocks keep the views' partial aggregates few. */
const LOAD_CHUNK_ROWS = 10_000_000;
/** How long to wait for the load's background merges before timing queries. */
const MERGE_SETTLE_MAX_MS = 300_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

if (wantsHelp()) {
  console.log(
    'usage: node --import tsx bench/history/run.ts [--events N] [--metrics N] [--days N] [--reps N] [--ingest-rate N] [--ingest-seconds N] [--no-ingest-phase] [--read-first-ab] [--read-first-hold-ms N] [--cache-ab] [--ab-block N]',
  );
  process.exit(0);
}
const totalEvents = Math.round(numberOption('events', 100_000_000));
const metrics = Math.round(numberOption('metrics', 100));
const days = Math.round(numberOption('days', 90));
const reps = Math.round(numberOption('reps', 200));
const ingestRate = numberOption('ingest-rate', 100_000);
const ingestSeconds = numberOption('ingest-seconds', 120);
const ingestPhase = !process.argv.includes('--no-ingest-phase');
const readFirstAB = process.argv.includes('--read-first-ab');
const readFirstHoldMs = numberOption('read-first-hold-ms', 200);
const cacheAB = process.argv.includes('--cache-ab');
const abBlock = Math.round(numberOption('ab-block', 5));
if (readFirstAB && cacheAB) throw new Error('--read-first-ab and --cache-ab: one A/B per invocation');

const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-bench-history-'));
// the product in this process: its store, its ingest path, its wall loop over the demo company's KPIs
const server = await startServer(
  loadSettings({ port: '0', host: '127.0.0.1', dataDir }, { NORTHSTAR_AUTH: 'off' }),
  parseKpiConfig(readFileSync(path.join(REPO_ROOT, 'northstar.yaml'), 'utf8'), 'northstar.yaml'),
  pino({ level: 'warn' }),
);
const client = server.clickhouse;
const seriesCache = historyReadsFor(client).cache;
// without --cache-ab the bench measures the store, as it always has: every query goes to it
seriesCache?.setEnabled(false);

interface Timing {
  p50: number;
  p95: number;
  p99: number;
  runs: number;
}

function summarise(label: string, ms: number[]): Timing {
  ms.sort((a, b) => a - b);
  const r = { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), runs: ms.length };
  console.log(
    `${label.padEnd(58)} p50 ${r.p50.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   (${ms.length} runs)`,
  );
  return r;
}

/**
 * Times every query `n` times in rounds (each round runs each query once, one after
 * another), so all of them see the same moments of the phase: timed one after the other,
 * the first ones ran while ingest was still reaching its pace and the last ones while it
 * was winding down. A query marked `contrast` runs only in the first 20 rounds.
 */
async function timeRounds(list: Array<{ label: string; run: () => Promise<unknown>; contrast?: boolean }>, n: number) {
  for (const q of list) for (let i = 0; i < 3; i++) await q.run();
  const ms = new Map<string, number[]>(list.map((q) => [q.label, []]));
  for (let round = 0; round < n; round++) {
    for (const q of list) {
      if (q.contrast && round >= 20) continue;
      const t = performance.now();
      await q.run();
      ms.get(q.label)!.push(performance.now() - t);
    }
  }
  return new Map(list.map((q) => [q.label, summarise(q.label, ms.get(q.label)!)]));
}

/** Starts the paced producer against the server; `stop` ends it and returns its report. */
function startLoad(url: string): { stop: () => Promise<LoadReport>; running: () => boolean } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'bench/history/ingest-load.ts'),
      '--url',
      url,
      '--rate',
      String(ingestRate),
      '--seconds',
      String(ingestSeconds),
      '--events',
      String(Math.ceil(ingestRate * ingestSeconds)),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-4000)));
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    running: () => !exited,
    stop: async () => {
      if (!exited) child.kill('SIGTERM');
      const code = await exit;
      if (code !== 0) throw new Error(`ingest load exited ${code}:\n${err}`);
      return JSON.parse(out.trim().split('\n').at(-1)!) as LoadReport;
    },
  };
}

async function scalar(query: string): Promise<number> {
  const r = await client.query({ query, format: 'JSONEachRow' });
  return Number(Object.values((await r.json<Record<string, string>>())[0] ?? {})[0]);
}

try {
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
  const now = endMs - 17 * 60_000 - 4321;
  const quarter = calendarSpan('quarter_to_date', 'Europe/Berlin', endMs);
  const qtdRange: SeriesRange = { fromMs: quarter.startMs, toMs: endMs, stepMs: 6 * HOUR };
  console.log(
    `30-day series: step 3h, source ${seriesPlan(revenue, series30.stepMs).source} rollup; 24-hour breakdowns: raw edges + hour rollup; quarter-to-date: ${((endMs - quarter.startMs) / DAY).toFixed(1)} days, step 6h, source ${seriesPlan(qtd, qtdRange.stepMs).source} rollup, with previous and last-year comparisons`,
  );
  const queries: Array<{ label: string; run: () => Promise<unknown>; contrast?: boolean }> = [
    { label: '30-day series, sum KPI', run: () => querySeries(client, revenue, series30) },
    { label: '30-day series, p95 KPI with a filter', run: () => querySeries(client, latency, series30) },
    {
      // what a chart asks: the range ends now, a little later at each call
      label: '30-day series ending now, sum KPI (to = now)',
      run: () => {
        const t = Date.now();
        return querySeries(client, revenue, { fromMs: t - 30 * DAY, toMs: t, stepMs: 3 * HOUR });
      },
    },
    {
      label: '30-day series, sum KPI from raw events (for contrast)',
      run: () => querySeries(client, revenue, series30, { source: 'events' }),
      contrast: true,
    },
    {
      label: '24-hour breakdown, sum KPI, top 5 + other',
      run: () => queryBreakdown(client, revenue, { fromMs: now - DAY, toMs: now, dim: 'region', top: 5 }),
    },
    {
      label: '24-hour breakdown, p95 KPI, top 5 + other',
      run: () => queryBreakdown(client, latency, { fromMs: now - DAY, toMs: now, dim: 'tier', top: 5 }),
    },
    {
      label: 'quarter-to-date series + previous + last year',
      run: async () => {
        const points = await querySeries(client, qtd, qtdRange);
        return seriesComparison(
          (r) => querySeries(client, qtd, r),
          ['previous', 'last_year'],
          qtdRange,
          qtd.timezone,
          points.map((p) => p[0]),
        );
      },
    },
  ];

  // Probes of where a query's time goes: the same trivial query with and without bound
  // parameters (chdb-node runs parameterised queries one at a time, process-wide), on the
  // shared connection and on the history reads' own, and the delay of this process's event
  // loop, which the server's ingest shares.
  const probes: Array<{ label: string; run: () => Promise<unknown> }> = [
    {
      label: 'probe: SELECT {x:UInt8} on the history reads path',
      run: () => historyReadsFor(client).rows('SELECT {x:UInt8}', { x: 1 }),
    },
    {
      label: 'probe: SELECT 1 (no parameters)',
      run: async () => (await client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json(),
    },
    {
      label: 'probe: SELECT {x:UInt8} (a bound parameter)',
      run: async () => (await client.query({ query: 'SELECT {x:UInt8}', query_params: { x: 1 }, format: 'JSONEachRow' })).json(),
    },
  ];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  const loopLine = () => {
    const line = `event-loop delay p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`;
    loopDelay.reset();
    return line;
  };

  console.log('\nphase 1: quiet store');
  loopDelay.enable();
  const quiet = await timeRounds([...queries, ...probes], reps);
  console.log(`  ${loopLine()}`);

  let loaded = new Map<string, Timing>();
  /** With --read-first-ab (--cache-ab): phase 2 with the gate (cache) off; `loaded` is then it on. */
  let gateOff: Map<string, Timing> | undefined;
  if (ingestPhase) {
    console.log(`\nphase 2: the same queries while a producer streams up to ${fmt(ingestRate)} events/s through POST /api/v1/events`);
    const before = await readMetrics(server.url);
    const load = startLoad(server.url);
    // let ingest reach its pace before timing: the first inserts have stored events
    const rampStarted = performance.now();
    while (
      performance.now() - rampStarted < 30_000 &&
      ((await readMetrics(server.url)).stored.http ?? 0) - (before.stored.http ?? 0) < 100_000
    ) {
      await new Promise((r) => setTimeout(r, 250));
    }
    await new Promise((r) => setTimeout(r, 2_000));
    loopDelay.reset();
    const t0 = performance.now();
    const stored0 = (await readMetrics(server.url)).stored.http ?? 0;
    if (readFirstAB) {
      const gate = historyReadsFor(client).gate;
      if (!gate) throw new Error('--read-first-ab: this store has no read-first gate (chdb only)');
      const ab = await timeReadFirstAB({
        list: [...queries.filter((q) => !q.contrast), ...probes],
        reps,
        blockRounds: abBlock,
        holdMs: readFirstHoldMs,
        gate,
        metrics: () => readMetrics(server.url),
        loopDelay,
      });
      loaded = ab.on;
      gateOff = ab.off;
    } else if (cacheAB) {
      if (!seriesCache) throw new Error('--cache-ab: this store has no series cache (chdb with HISTORY_CACHE_MAX_BYTES > 0 only)');
      const ab = await timeCacheAB({
        list: [...queries.filter((q) => !q.contrast), ...probes],
        reps,
        blockRounds: abBlock,
        cache: seriesCache,
        metrics: () => readMetrics(server.url),
        loopDelay,
      });
      loaded = ab.on;
      gateOff = ab.off;
    } else {
      loaded = await timeRounds([...queries.filter((q) => !q.contrast), ...probes], reps);
    }
    const endedEarly = !load.running();
    console.log(`  ${loopLine()}`);
    const seconds = (performance.now() - t0) / 1000;
    const during = ((await readMetrics(server.url)).stored.http ?? 0) - stored0;
    const report = await load.stop();
    const after = await readMetrics(server.url);
    console.log(
      `  ingest while timing: ${fmt(during)} events stored in ${seconds.toFixed(1)} s = ${fmt(during / seconds)} events/s (target ${fmt(ingestRate)}); producer: ${fmt(report.accepted)} accepted in ${report.seconds.toFixed(1)} s, ${fmt(report.busy)} × 503, stopped by ${report.stoppedBy}${endedEarly ? ' (BEFORE the queries finished: raise --ingest-seconds)' : ''}; stored counter ${fmt((after.stored.http ?? 0) - (before.stored.http ?? 0))}`,
    );
  }

  const abName = cacheAB ? 'series cache' : 'read-first gate';
  console.log(`\nper query, p50 / p95 / p99 ms: quiet | while ingesting${gateOff ? `, ${abName} off | on` : ''}`);
  for (const q of [...queries, ...probes]) {
    const a = quiet.get(q.label)!;
    const b = loaded.get(q.label);
    const off = gateOff?.get(q.label);
    const cell = (t: Timing) => `${t.p50.toFixed(1)} / ${t.p95.toFixed(1)} / ${t.p99.toFixed(1)}`;
    console.log(`  ${q.label.padEnd(56)} ${cell(a).padStart(22)} | ${off ? `${cell(off)} | ` : ''}${b ? cell(b) : '—'}`);
  }
  const worst = Math.max(
    ...queries
      .filter((q) => !q.contrast)
      .flatMap((q) => [quiet.get(q.label)!.p99, loaded.get(q.label)?.p99 ?? 0, gateOff?.get(q.label)?.p99 ?? 0]),
  );
  const sum30 = quiet.get('30-day series, sum KPI')!;
  const verdict = sum30.p99 <= BUDGET_SERIES_P99_MS ? 'within' : 'OVER';
  console.log(
    `\nbudget: 30-day series p99 ${sum30.p99.toFixed(1)} ms quiet, ${verdict} the ${BUDGET_SERIES_P99_MS} ms budget; worst p99 of any query in either phase ${worst.toFixed(1)} ms`,
  );
  console.log(machineNote());
} finally {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
