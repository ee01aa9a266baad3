/**
 * Id checks against the store: what each way of answering "which of these 20 000 events
 * are already stored?" costs once the 10-minute identity window holds W rows, and what
 * each costs the insert. Runs chdb in this process on a fresh directory with the real
 * schema (migrations), so the events table has its rollup views and its id bloom index.
 *
 *   node --import tsx bench/id-check.ts [--window 4000000] [--batch 20000] [--checks 20] [--inserts 20]
 *
 * Ways measured, each on the same batches (ids new to the store, ts = now, as live ingest sends):
 *   lookup:  EventStore.storedIds: the batch's metrics and ±10 min of events, the stored
 *            32-bit murmur3 hash of each id (id_hash, migration 7) compared in the engine,
 *            exact in JS; and the same query hashing each stored id on read (before 7);
 *   bloom:   the same range with `id IN (…)`, so the bloom_filter skip index on id can skip granules;
 *   id table: a table of identity hashes (cityHash64(metric, id)) ordered by the hash with
 *            small granules, filled by a materialized view: the primary key finds the few
 *            granules that can hold a batch's hashes, whatever the window holds;
 *   token:   insert_deduplication_token per batch: no lookup at all, but it only drops a
 *            retry of the very same batch (a redelivery regrouped with other events passes);
 *   replacing: a ReplacingMergeTree keyed by (metric, id): repeats go at merge time, so
 *            until then every read (and every rollup view, which sees each insert) counts them.
 * The insert cost of the id table's view is the same batches inserted with and without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { murmurHash3_32 } from '../apps/server/src/store/murmur3.ts';
import type { MetricEvent } from '@northstar/shared';
import { eventFactory, fmt, machineNote, numberOption, percentile, threadCpu, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write('usage: node --import tsx bench/id-check.ts [--window ROWS] [--batch N] [--checks N] [--inserts N]\n');
  process.exit(0);
}
const WINDOW = Math.round(numberOption('window', 4_000_000));
const BATCH = Math.round(numberOption('batch', 20_000));
const CHECKS = Math.round(numberOption('checks', 20));
const INSERTS = Math.round(numberOption('inserts', 20));

const cpuNow = () => [...threadCpu(process.pid).values()].reduce((a, b) => a + b, 0);

async function timed(label: string, n: number, run: (i: number) => Promise<unknown>): Promise<{ p50: number; cpuMs: number }> {
  await run(-1);
  const ms: number[] = [];
  const cpu0 = cpuNow();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    ms.push(performance.now() - t);
  }
  const cpuMs = ((cpuNow() - cpu0) * 1000) / n;
  ms.sort((a, b) => a - b);
  const p50 = percentile(ms, 50);
  process.stdout.write(
    `  ${label.padEnd(52)} p50 ${p50.toFixed(0).padStart(6)} ms  p95 ${percentile(ms, 95).toFixed(0).padStart(6)} ms  CPU ${cpuMs.toFixed(0).padStart(6)} ms per batch\n`,
  );
  return { p50, cpuMs };
}

const dir = mkdtempSync(path.join(tmpdir(), 'northstar-bench-idcheck-'));
const ch = openClickHouse({ clickhouseUrl: undefined, dataDir: dir });
const client = ch.client;
try {
  await migrate(client);
  const store = new EventStore(client);
  const now = Date.now();
  process.stdout.write(`filling the identity window: ${fmt(WINDOW)} events with ids over the last 10 minutes …\n`);
  // the bench generator's metrics, ids unique, ts spread over the 10 minutes before now
  await client.command({
    query: `INSERT INTO events (metric, ts, value, id, dims, source, received_at)
      SELECT ['api.latency_ms','checkout.orders','checkout.revenue','signup.completed','delivery.on_time','api.errors','payment.failed','support.csat'][1 + number % 8],
             fromUnixTimestamp64Milli(toInt64(${now - 600_000} + intDiv(number * 600000, ${WINDOW}))),
             number % 1000, concat('fill-', toString(number)), map('region', 'eu-west'), 'bench', now64(3)
      FROM numbers(${WINDOW}) SETTINGS max_insert_block_size = 1048576, insert_deduplicate = 0`,
  });
  await client.command({ query: 'OPTIMIZE TABLE events FINAL' });

  const next = eventFactory(`idcheck-${now}`);
  const batches = Array.from({ length: CHECKS + 1 }, () => Array.from({ length: BATCH }, () => next(now)));
  const at = (i: number) => batches[i + 1]!;

  process.stdout.write(`\nid check of ${fmt(BATCH)} new ids against a window of ${fmt(WINDOW)} stored events:\n`);
  const range = (b: readonly MetricEvent[]) => ({ metrics: [...new Set(b.map((e) => e.metric))], lo: now - 600_000, hi: now + 600_000 });
  const lookup = await timed('lookup (EventStore.storedIds: stored id hashes)', CHECKS, (i) => store.storedIds(at(i)));
  const onRead = await timed('lookup hashing every id on read (before migration 7)', CHECKS, async (i) => {
    const b = at(i);
    const r = await client.query({
      query: `SELECT metric, id, toUnixTimestamp64Milli(ts) AS t FROM events
        WHERE metric IN {metrics:Array(String)} AND ts BETWEEN fromUnixTimestamp64Milli({lo:Int64}, 'UTC') AND fromUnixTimestamp64Milli({hi:Int64}, 'UTC')
          AND murmurHash3_32(id) IN (SELECT h FROM format(TSVRaw, 'h UInt32', {hashes:String}))`,
      query_params: { ...range(b), hashes: b.map((e) => murmurHash3_32(e.id)).join('\n') },
      format: 'JSONEachRow',
    });
    return r.json();
  });
  // the bloom filter migration 6 had, built over what is stored
  await client.command({ query: 'ALTER TABLE events ADD INDEX bench_id_bloom id TYPE bloom_filter(0.001) GRANULARITY 1' });
  await client.command({ query: 'ALTER TABLE events MATERIALIZE INDEX bench_id_bloom SETTINGS mutations_sync = 1' });
  const bloom = await timed('bloom (same range, id IN (…), skip index)', Math.min(CHECKS, 5), async (i) => {
    const b = at(i);
    const r = await client.query({
      query: `SELECT metric, id, toUnixTimestamp64Milli(ts) AS t FROM events
        WHERE metric IN {metrics:Array(String)} AND ts BETWEEN fromUnixTimestamp64Milli({lo:Int64}, 'UTC') AND fromUnixTimestamp64Milli({hi:Int64}, 'UTC')
          AND id IN {ids:Array(String)}`,
      query_params: { ...range(b), ids: b.map((e) => e.id) },
      format: 'JSONEachRow',
    });
    return r.json();
  });
  await client.command({ query: 'ALTER TABLE events DROP INDEX bench_id_bloom' });

  // the id table, filled from what is stored, then kept by a view as inserts arrive
  await client.command({
    query: `CREATE TABLE bench_event_ids (h UInt64, ts DateTime64(3, 'UTC')) ENGINE = MergeTree
      PARTITION BY toYYYYMM(ts) ORDER BY h SETTINGS index_granularity = 256`,
  });
  await client.command({
    query: `INSERT INTO bench_event_ids SELECT cityHash64(metric, id), ts FROM events WHERE id != '' SETTINGS insert_deduplicate = 0`,
  });
  await client.command({ query: 'OPTIMIZE TABLE bench_event_ids FINAL' });
  const table = await timed('id table (primary key on the identity hash)', CHECKS, async (i) => {
    const b = at(i);
    const r = await client.query({
      query: `SELECT h, toUnixTimestamp64Milli(ts) AS t FROM bench_event_ids
        WHERE h IN (SELECT cityHash64(metric, id) FROM format(JSONEachRow, 'metric String, id String', {rows:String}))
          AND ts BETWEEN fromUnixTimestamp64Milli({lo:Int64}, 'UTC') AND fromUnixTimestamp64Milli({hi:Int64}, 'UTC')`,
      query_params: { rows: b.map((e) => JSON.stringify({ metric: e.metric, id: e.id })).join('\n'), lo: now - 600_000, hi: now + 600_000 },
      format: 'JSONEachRow',
    });
    return r.json();
  });

  process.stdout.write(`\ninsert of ${fmt(BATCH)} events (raw insert, rollup views on):\n`);
  const plain = await timed('without the id table view', INSERTS, (i) => store.insertEvents(at(i % CHECKS), 'http'));
  await client.command({
    query: `CREATE MATERIALIZED VIEW bench_event_ids_mv TO bench_event_ids AS SELECT cityHash64(metric, id) AS h, ts FROM events WHERE id != ''`,
  });
  const withView = await timed('with the id table view', INSERTS, (i) => store.insertEvents(at(i % CHECKS), 'http'));
  await client.command({ query: 'DROP VIEW bench_event_ids_mv' });

  process.stdout.write(
    [
      '',
      `summary, per batch of ${fmt(BATCH)} with a window of ${fmt(WINDOW)} events:`,
      `  lookup ${lookup.p50.toFixed(0)} ms (${lookup.cpuMs.toFixed(0)} ms CPU); bloom ${bloom.p50.toFixed(0)} ms (${bloom.cpuMs.toFixed(0)} ms CPU); id table ${table.p50.toFixed(0)} ms (${table.cpuMs.toFixed(0)} ms CPU)`,
      `  lookup / hashing on read: ${(lookup.p50 / onRead.p50).toFixed(2)} of its time, ${(lookup.cpuMs / onRead.cpuMs).toFixed(2)} of its CPU`,
      `  id table / lookup: ${(table.p50 / lookup.p50).toFixed(2)} of its time, ${(table.cpuMs / lookup.cpuMs).toFixed(2)} of its CPU`,
      `  the id table's view adds ${(withView.p50 - plain.p50).toFixed(0)} ms (${((withView.p50 / plain.p50 - 1) * 100).toFixed(0)} %) to an insert, ${(withView.cpuMs - plain.cpuMs).toFixed(0)} ms CPU`,
      '  token: no lookup, but only a retry of the same batch is dropped; replacing: repeats are counted until a merge (the rollup views see every insert)',
      `  ${machineNote()}`,
      '',
    ].join('\n'),
  );
} finally {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
