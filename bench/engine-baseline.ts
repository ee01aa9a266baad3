/**
 * The bare engine's ingest rate: what chdb takes on this machine right now, with nothing of
 * Northstar around it. Every ingest benchmark runs this in the same invocation (in a child
 * process, after its own run) and prints its figures as ratios to these, because a shared
 * 2-core box moves absolute figures by 2–3× from one minute to the next.
 *
 *   node --import tsx bench/engine-baseline.ts [--events 1000000] [--batch 20000] [--json]
 *
 * Two runs on the same rows (eventFactory's, the benchmarks' generator and seed), each into
 * a fresh plain MergeTree with the events table's columns and key (no views, no index):
 *   - client: `client.insert` of row objects as JSONEachRow (@clickhouse/client over chdb);
 *   - raw:    chdb's `rawInsert` of prebuilt NDJSON bytes (zero-copy to the engine's parser).
 * Rows and bodies are built before the clock starts. CPU is this process's, all threads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { describeBaseline, eventFactory, numberOption, rssMiB, threadCpu } from './support.ts';

export interface BaselineFigure {
  label: 'client' | 'raw';
  events: number;
  seconds: number;
  eventsPerSecond: number;
  cpuSeconds: number;
  cpuPerMillion: number;
}

export interface BaselineResult {
  figures: BaselineFigure[];
  rssMiB: number;
  peakMiB: number;
}

const TABLE = (name: string) => `CREATE TABLE ${name} (
  metric LowCardinality(String),
  ts DateTime64(3, 'UTC'),
  value Float64,
  id String,
  dims Map(LowCardinality(String), String),
  source LowCardinality(String),
  received_at DateTime64(3, 'UTC')
) ENGINE = MergeTree PARTITION BY toYYYYMM(ts) ORDER BY (metric, ts)`;

function cpuNow(): number {
  let total = 0;
  for (const s of threadCpu(process.pid).values()) total += s;
  return total;
}

async function measure(label: BaselineFigure['label'], events: number, run: () => Promise<void>): Promise<BaselineFigure> {
  const cpu0 = cpuNow();
  const t0 = performance.now();
  await run();
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuNow() - cpu0;
  return { label, events, seconds, eventsPerSecond: events / seconds, cpuSeconds, cpuPerMillion: cpuSeconds / (events / 1e6) };
}

export async function runBaseline(events: number, batch: number): Promise<BaselineResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'northstar-baseline-'));
  const connection = createChdbConnection({ path: path.join(dir, 'chdb') });
  const client = createClient({ connection: connection as never });
  try {
    const next = eventFactory(`baseline-${Date.now()}`);
    const now = Date.now();
    const batches: Array<Array<Record<string, unknown>>> = [];
    for (let done = 0; done < events; done += batch) {
      const rows: Array<Record<string, unknown>> = [];
      for (let i = 0; i < Math.min(batch, events - done); i++) {
        const e = next(now);
        rows.push({ metric: e.metric, ts: e.ts, value: e.value, id: e.id, dims: e.dims, source: 'http', received_at: now });
      }
      batches.push(rows);
    }
    const bodies = batches.map((rows) => Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
    await client.command({ query: TABLE('baseline_client') });
    await client.command({ query: TABLE('baseline_raw') });

    const figures: BaselineFigure[] = [];
    figures.push(
      await measure('client', events, async () => {
        for (const values of batches) await client.insert({ table: 'baseline_client', format: 'JSONEachRow', values });
      }),
    );
    figures.push(
      await measure('raw', events, async () => {
        for (const values of bodies) await connection.chdb.rawInsert({ table: 'baseline_raw', format: 'JSONEachRow', values });
      }),
    );
    const { rss, peak } = rssMiB(process.pid);
    return { figures, rssMiB: rss, peakMiB: peak };
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const events = numberOption('events', 1_000_000);
  const batch = numberOption('batch', 20_000);
  const result = await runBaseline(events, batch);
  if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(result) + '\n');
  else
    process.stdout.write(
      [
        ...describeBaseline(result),
        `  baseline process RSS ${result.rssMiB.toFixed(0)} MiB (peak ${result.peakMiB.toFixed(0)} MiB)`,
        '',
      ].join('\n'),
    );
}
