/**
 * What `northstar store` costs against the engine in the instance's own process: the same
 * inserts (EventStore.insertEvents, the bytes live ingest sends) and the same history
 * queries (querySeries over the rollups and over raw events), once on chdb in this process
 * (the baseline) and once through a `northstar store` process over HTTP. Prints events/s,
 * query p50 and CPU-s per million events (this process plus the store's), and the ratios.
 *
 *   node --import tsx bench/store-server.ts [--batches 10] [--batch 20000] [--queries 40]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KpiSchema } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { querySeries } from '../apps/server/src/store/series-query.ts';
import { eventFactory, fmt, freePort, machineNote, numberOption, percentile, REPO_ROOT, threadCpu, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write('usage: node --import tsx bench/store-server.ts [--batches N] [--batch N] [--queries N]\n');
  process.exit(0);
}
const BATCHES = Math.round(numberOption('batches', 10));
const BATCH = Math.round(numberOption('batch', 20_000));
const QUERIES = Math.round(numberOption('queries', 40));
const PASSWORD = 'bench-store-password';

const cpu = (pid: number) => [...threadCpu(pid).values()].reduce((a, b) => a + b, 0);

interface Figures {
  eventsPerSec: number;
  cpuPerMillion: number;
  rollupP50: number;
  rawP50: number;
}

async function run(ch: ClickHouse, pids: number[]): Promise<Figures> {
  await migrate(ch.client);
  const store = new EventStore(ch.client);
  const make = eventFactory(`bench-${Date.now()}`);
  const t0 = Date.now() - 3_600_000;
  const batches = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => make(t0 + ((b * BATCH + i) % 3_000_000))),
  );
  const cpu0 = pids.reduce((s, p) => s + cpu(p), 0);
  const w0 = performance.now();
  for (const batch of batches) await store.insertEvents(batch, 'http');
  const seconds = (performance.now() - w0) / 1000;
  const cpuSeconds = pids.reduce((s, p) => s + cpu(p), 0) - cpu0;
  const kpi = KpiSchema.parse({
    id: 'k',
    name: 'k',
    objective: 'o',
    metric: batches[0]![0]!.metric,
    aggregation: 'p95',
    window: '1h',
    target: 1,
  });
  const range = { fromMs: t0, toMs: t0 + 3_600_000, stepMs: 300_000 };
  const timed = async (source: 'events' | undefined) => {
    const ms: number[] = [];
    // one untimed first: the first query of a kind reads cold parts
    await querySeries(ch.client, kpi, range, source ? { source } : {});
    for (let i = 0; i < QUERIES; i++) {
      const t = performance.now();
      await querySeries(ch.client, kpi, range, source ? { source } : {});
      ms.push(performance.now() - t);
    }
    return percentile(
      ms.sort((a, b) => a - b),
      0.5,
    );
  };
  return {
    eventsPerSec: (BATCHES * BATCH) / seconds,
    cpuPerMillion: (cpuSeconds / (BATCHES * BATCH)) * 1e6,
    rollupP50: await timed(undefined),
    rawP50: await timed('events'),
  };
}

async function startStore(dataDir: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/server/src/cli.ts', 'store', '--port', String(port), '--data-dir', dataDir],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NORTHSTAR_STORE_PASSWORD: PASSWORD },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (c: string) => ((out += c), /For one-machine/.test(out) && resolve()));
    child.once('exit', (code) => reject(new Error(`northstar store exited (${code})`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

const root = mkdtempSync(path.join(tmpdir(), 'northstar-bench-store-'));
try {
  const local = openClickHouse({ clickhouseUrl: undefined, dataDir: path.join(root, 'local') });
  const base = await run(local, [process.pid]);
  await local.client.close();
  const server = await startStore(path.join(root, 'served'));
  const remote = openClickHouse({ clickhouseUrl: server.url, clickhouseUser: 'default', clickhousePassword: PASSWORD, dataDir: root });
  const served = await run(remote, [process.pid, server.pid]);
  await remote.client.close();
  await server.stop();
  const line = (label: string, f: Figures) =>
    `${label.padEnd(22)} ${fmt(f.eventsPerSec).padStart(9)} events/s  ${f.cpuPerMillion.toFixed(1).padStart(6)} CPU-s/M events  series p50 ${f.rollupP50.toFixed(1)} ms (rollups), ${f.rawP50.toFixed(1)} ms (raw)`;
  process.stdout.write(
    [
      `store-server: ${BATCHES} inserts of ${fmt(BATCH)} events, ${QUERIES} series queries of each kind`,
      line('chdb in-process', base),
      line('northstar store (HTTP)', served),
      `ratio (store / in-process): insert rate ${(served.eventsPerSec / base.eventsPerSec).toFixed(2)}, CPU per event ${(served.cpuPerMillion / base.cpuPerMillion).toFixed(2)}, ` +
        `series p50 ${(served.rollupP50 / base.rollupP50).toFixed(2)} (rollups) ${(served.rawP50 / base.rawP50).toFixed(2)} (raw)`,
      machineNote(),
      '',
    ].join('\n'),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
