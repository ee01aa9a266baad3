/**
 * What each part of the events schema costs an insert: the same 20 000-row NDJSON bodies
 * raw-inserted into tables that differ by one thing each (chdb in this process, fresh
 * directory). The plain table is the baseline; every other line says what its addition
 * costs per insert, in wall time and in CPU of this process (all threads: the engine's
 * parser, views and part writers run here).
 *
 *   node --import tsx bench/insert-cost.ts [--batches 12] [--batch 20000] [--rounds 2] [--only minute,hash]
 *
 * Variants are interleaved round by round so a burst of load on the shared box lands on
 * all of them rather than on one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { EVENT_COLUMNS, eventLines } from '../apps/server/src/store/event-lines.ts';
import { eventFactory, fmt, machineNote, numberOption, percentile, threadCpu, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write('usage: node --import tsx bench/insert-cost.ts [--batches N] [--batch ROWS] [--rounds N] [--only TEXT,TEXT]\n');
  process.exit(0);
}
const BATCHES = Math.round(numberOption('batches', 12));
const BATCH = Math.round(numberOption('batch', 20_000));
const ROUNDS = Math.round(numberOption('rounds', 2));
/** `--only a,b`: just the variants whose names hold one of these texts (the plain table always runs). */
const ONLY = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? (process.argv[i + 1] ?? '').split(',').filter((x) => x !== '') : [];
})();

const COLUMNS = `metric LowCardinality(String), ts DateTime64(3, 'UTC'), value Float64, id String,
  dims Map(LowCardinality(String), String), source LowCardinality(String), received_at DateTime64(3, 'UTC')`;
const RAW = (t: string, extra = '') =>
  `CREATE TABLE ${t} (${COLUMNS}${extra}) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (metric, ts)`;
const ROLLUP = (t: string, order = 'metric, bucket, dims') => `CREATE TABLE ${t} (
  metric LowCardinality(String), bucket DateTime('UTC'), dims Map(LowCardinality(String), String),
  n SimpleAggregateFunction(sum, UInt64), total SimpleAggregateFunction(sum, Float64),
  lo SimpleAggregateFunction(min, Float64), hi SimpleAggregateFunction(max, Float64),
  q AggregateFunction(quantiles(0.5, 0.9, 0.95, 0.99), Float64)
) ENGINE = AggregatingMergeTree PARTITION BY toYYYYMM(bucket) ORDER BY (${order})`;
const MINUTE_SELECT = `SELECT metric, toDateTime(toStartOfMinute(ts), 'UTC') AS bucket, dims,
  count() AS n, sum(value) AS total, min(value) AS lo, max(value) AS hi, quantilesState(0.5, 0.9, 0.95, 0.99)(value) AS q`;
const CASCADE = (grain: string) => `SELECT metric, ${grain}(bucket) AS bucket, dims,
  sum(n) AS n, sum(total) AS total, min(lo) AS lo, max(hi) AS hi, quantilesMergeState(0.5, 0.9, 0.95, 0.99)(q) AS q`;

/** Each variant: the statements that make table `t` (and whatever hangs off it). */
const VARIANTS: Record<string, (t: string) => string[]> = {
  'plain MergeTree (baseline)': (t) => [RAW(t)],
  '+ id bloom filter index': (t) => [RAW(t, `, INDEX b id TYPE bloom_filter(0.001) GRANULARITY 1`)],
  '+ stored id hash column': (t) => [RAW(t, `, id_hash UInt32 MATERIALIZED murmurHash3_32(id)`)],
  '+ minute view': (t) => [
    RAW(t),
    ROLLUP(`${t}_1m`),
    `CREATE MATERIALIZED VIEW ${t}_1m_mv TO ${t}_1m AS ${MINUTE_SELECT} FROM ${t} GROUP BY metric, bucket, dims`,
  ],
  '+ minute view without the quantile state': (t) => [
    RAW(t),
    ROLLUP(`${t}_1m`),
    `CREATE MATERIALIZED VIEW ${t}_1m_mv TO ${t}_1m AS SELECT metric, toDateTime(toStartOfMinute(ts), 'UTC') AS bucket, dims,
       count() AS n, sum(value) AS total, min(value) AS lo, max(value) AS hi FROM ${t} GROUP BY metric, bucket, dims`,
  ],
  '+ minute view as shipped (optimize_on_insert = 0)': (t) => VARIANTS['+ minute view']!(t),
  '+ minute view grouped by a 128-bit hash of dims': (t) => [
    RAW(t),
    ROLLUP(`${t}_1m`),
    `CREATE MATERIALIZED VIEW ${t}_1m_mv TO ${t}_1m AS SELECT metric, toDateTime(toStartOfMinute(ts), 'UTC') AS bucket, any(d) AS dims,
       count() AS n, sum(value) AS total, min(value) AS lo, max(value) AS hi, quantilesState(0.5, 0.9, 0.95, 0.99)(value) AS q
       FROM (SELECT metric, ts, value, dims AS d FROM ${t}) GROUP BY metric, bucket, sipHash128(d)`,
  ],
  '+ minute view, t-digest quantile state': (t) => [
    RAW(t),
    ROLLUP(`${t}_1m`).replace('AggregateFunction(quantiles(', 'AggregateFunction(quantilesTDigest('),
    `CREATE MATERIALIZED VIEW ${t}_1m_mv TO ${t}_1m AS ${MINUTE_SELECT.replace('quantilesState', 'quantilesTDigestState')} FROM ${t} GROUP BY metric, bucket, dims`,
  ],
  '+ minute, hour and day views (today)': (t) => [
    RAW(t),
    ROLLUP(`${t}_1m`),
    ROLLUP(`${t}_1h`),
    ROLLUP(`${t}_1d`),
    `CREATE MATERIALIZED VIEW ${t}_1m_mv TO ${t}_1m AS ${MINUTE_SELECT} FROM ${t} GROUP BY metric, bucket, dims`,
    `CREATE MATERIALIZED VIEW ${t}_1h_mv TO ${t}_1h AS ${CASCADE('toStartOfHour')} FROM ${t}_1m GROUP BY metric, bucket, dims`,
    `CREATE MATERIALIZED VIEW ${t}_1d_mv TO ${t}_1d AS ${CASCADE('toStartOfDay')} FROM ${t}_1h GROUP BY metric, bucket, dims`,
  ],
  '+ minute, hour and day views, optimize_on_insert = 0': (t) => VARIANTS['+ minute, hour and day views (today)']!(t),
  '+ minute, hour and day views, all from the raw table': (t) => [
    RAW(t),
    ROLLUP(`${t}_1m`),
    ROLLUP(`${t}_1h`),
    ROLLUP(`${t}_1d`),
    `CREATE MATERIALIZED VIEW ${t}_1m_mv TO ${t}_1m AS ${MINUTE_SELECT} FROM ${t} GROUP BY metric, bucket, dims`,
    `CREATE MATERIALIZED VIEW ${t}_1h_mv TO ${t}_1h AS ${MINUTE_SELECT.replace('toStartOfMinute', 'toStartOfHour')} FROM ${t} GROUP BY metric, bucket, dims`,
    `CREATE MATERIALIZED VIEW ${t}_1d_mv TO ${t}_1d AS ${MINUTE_SELECT.replace('toStartOfMinute', 'toStartOfDay')} FROM ${t} GROUP BY metric, bucket, dims`,
  ],
};

/** Per-insert settings of a variant (they reach the views' inserts too). */
const SETTINGS: Record<string, Record<string, number>> = {
  '+ minute, hour and day views, optimize_on_insert = 0': { optimize_on_insert: 0 },
  '+ minute view as shipped (optimize_on_insert = 0)': { optimize_on_insert: 0 },
  '+ minute view grouped by a 128-bit hash of dims': { optimize_on_insert: 0 },
  '+ minute view, t-digest quantile state': { optimize_on_insert: 0 },
};

const cpuNow = () => [...threadCpu(process.pid).values()].reduce((a, b) => a + b, 0);

const dir = mkdtempSync(path.join(tmpdir(), 'northstar-bench-insertcost-'));
const connection = createChdbConnection({ path: path.join(dir, 'chdb') });
const client = createClient({ connection: connection as never });
try {
  const next = eventFactory(`insertcost-${Date.now()}`);
  const now = Date.now();
  const bodies = Array.from({ length: BATCHES }, () =>
    eventLines(
      Array.from({ length: BATCH }, () => next(now)),
      'http',
      now,
    ),
  );
  const names = Object.keys(VARIANTS).filter((n, i) => i === 0 || ONLY.length === 0 || ONLY.some((o) => n.includes(o)));
  for (const [i, name] of names.entries()) for (const sql of VARIANTS[name]!(`v${i}`)) await client.command({ query: sql });

  const samples = new Map<string, { ms: number[]; cpu: number }>(names.map((n) => [n, { ms: [], cpu: 0 }]));
  const mergesSettled = async () => {
    for (let waited = 0; waited < 30_000; waited += 200) {
      const r = await client.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' });
      if (Number((await r.json<{ n: string }>())[0]?.n ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  for (let round = 0; round < ROUNDS; round++) {
    // each round starts at another point of the list, and each variant starts once the merges of the
    // previous ones are done: the CPU figure is this process's, merges of other tables included
    for (let k = 0; k < names.length; k++) {
      const i = (k + Math.floor((round * names.length) / ROUNDS)) % names.length;
      const name = names[i]!;
      await mergesSettled();
      const s = samples.get(name)!;
      const cpu0 = cpuNow();
      for (const [b, values] of bodies.entries()) {
        const t = performance.now();
        await connection.chdb.rawInsert({
          table: `v${i}`,
          columns: [...EVENT_COLUMNS],
          format: 'JSONEachRow',
          values,
          settings: { insert_deduplication_token: `r${round}-b${b}`, ...SETTINGS[name] },
        });
        s.ms.push(performance.now() - t);
      }
      s.cpu += cpuNow() - cpu0;
    }
  }
  const inserts = BATCHES * ROUNDS;
  const base = samples.get(names[0]!)!;
  const baseCpu = (base.cpu * 1000) / inserts;
  process.stdout.write(`\nraw insert of ${fmt(BATCH)} rows, ${fmt(inserts)} inserts per variant (${ROUNDS} interleaved rounds):\n`);
  for (const name of names) {
    const s = samples.get(name)!;
    s.ms.sort((a, b) => a - b);
    const cpuMs = (s.cpu * 1000) / inserts;
    process.stdout.write(
      `  ${name.padEnd(54)} p50 ${percentile(s.ms, 50).toFixed(0).padStart(5)} ms  CPU ${cpuMs.toFixed(0).padStart(5)} ms per insert (${(cpuMs / (BATCH / 1e6) / 1000).toFixed(1)} CPU-s per M events, ${(cpuMs / baseCpu).toFixed(2)}× the plain table's)\n`,
    );
  }
  process.stdout.write(`  ${machineNote()}\n`);
} finally {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
