import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { spawnEnv } from './support/serve-argv.ts';
import { KEEP_HISTORY_ENV, startTestServer, type TestServer } from './support/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
let server: TestServer;
let dir: string;

beforeAll(async () => {
  // the rows are dated November 2026: kept in the store whatever today is
  server = await startTestServer({ env: KEEP_HISTORY_ENV });
  dir = mkdtempSync(path.join(tmpdir(), 'northstar-import-'));
});
afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cliEnv = spawnEnv();
delete cliEnv.NORTHSTAR_API_TOKEN;

/** The real CLI, as an operator runs it. */
function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', ...args], { cwd: ROOT, env: cliEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function count(sql: string): Promise<number> {
  const r = await server.clickhouse.query({ query: sql, format: 'JSONEachRow' });
  return Number((await r.json<{ n: string }>())[0]?.n);
}

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 10);

function csvFile(): { file: string; good: number; bad: number[] } {
  const lines = ['metric,value,ts,id,dim.region'];
  const bad: number[] = [];
  for (let i = 0; i < 250; i++) {
    const line = lines.length + 1;
    const ts = new Date(START + i * 60_000).toISOString();
    if (i % 50 === 7) {
      lines.push(`imp.orders,lots,${ts},o-${i},eu`);
      bad.push(line);
    } else if (i % 50 === 9) {
      lines.push(`Imp Orders,1,${ts},o-${i},eu`);
      bad.push(line);
    } else if (i === 100) {
      lines.push(`imp.orders,1,1999-01-01T00:00:00Z,o-${i},eu`);
      bad.push(line);
    } else lines.push(`imp.orders,${i % 7},${ts},o-${i},"${i % 2 ? 'eu' : 'us, east'}"`);
  }
  const file = path.join(dir, 'orders.csv');
  writeFileSync(file, lines.join('\r\n') + '\r\n');
  return { file, good: 250 - bad.length, bad };
}

describe('northstar import', () => {
  it('imports the valid rows, reports bad rows by line, and stores nothing twice on a re-run', async () => {
    const { file, good, bad } = csvFile();
    const first = await runCli(['import', file, '--target', server.url, '--batch', '100']);
    expect(first.stderr).toMatch(/rows\/s/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`imported ${good} of 250 rows from orders.csv in 3 batches`);
    expect(first.stdout).toContain(`rejected ${bad.length} rows:`);
    for (const line of bad) expect(first.stdout).toMatch(new RegExp(`line ${line}: `));
    expect(first.stdout).toMatch(/line 9: value: value must be a number, not string|line 9: .*value must be a number/);
    expect(first.stdout).toMatch(/line 102: ts: is before 2000-01-01/);
    const stored = () => count(`SELECT count() AS n FROM events WHERE metric = 'imp.orders'`);
    const rolled = () => count(`SELECT sum(n) AS n FROM events_rollup_1h WHERE metric = 'imp.orders'`);
    expect(await stored()).toBe(good);
    expect(await rolled()).toBe(good);
    expect(await count(`SELECT count() AS n FROM events WHERE metric = 'imp.orders' AND dims['region'] = 'us, east'`)).toBeGreaterThan(0);

    const second = await runCli(['import', file, '--target', server.url, '--batch', '100']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('3 of the batches were already stored');
    expect(await stored()).toBe(good);
    expect(await rolled()).toBe(good);
  });

  it('relies on the store: a repeated block with the same token is dropped, in the rollups too', async () => {
    const events = [0, 1, 2].map((i) => ({ metric: 'imp.retry', value: 1, ts: START + i * HOUR, id: `r-${i}`, dims: {} }));
    const store = new EventStore(server.clickhouse);
    await store.insertEvents(events, 'import', 'same-file:0');
    await store.insertEvents(events, 'import', 'same-file:0');
    expect(await count(`SELECT count() AS n FROM events WHERE metric = 'imp.retry'`)).toBe(3);
    expect(await count(`SELECT sum(n) AS n FROM events_rollup_1m WHERE metric = 'imp.retry'`)).toBe(3);
    expect(await count(`SELECT sum(n) AS n FROM events_rollup_1d WHERE metric = 'imp.retry'`)).toBe(3);
  });

  it('reads NDJSON too, and exits 1 when nothing could be imported', async () => {
    const file = path.join(dir, 'events.ndjson');
    writeFileSync(file, [JSON.stringify({ metric: 'imp.nd', value: 'x' }), '{oops', JSON.stringify({ value: 1 })].join('\n'));
    const r = await runCli(['import', file, '--target', server.url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('imported 0 of 3 rows');
    expect(r.stdout).toMatch(/line 1: value: value must be a number, not string/);
    expect(r.stdout).toMatch(/line 2: not valid JSON/);
    expect(r.stdout).toMatch(/line 3: metric: metric is required/);
  });

  it('exits 2 for bad options', async () => {
    const { file } = csvFile();
    expect((await runCli(['import', file, '--batch', 'lots'])).code).toBe(2);
    expect((await runCli(['import', file, '--format', 'xml'])).code).toBe(2);
    expect((await runCli(['import', path.join(dir, 'missing.csv')])).code).toBe(2);
    expect((await runCli(['import', path.join(dir, 'data.txt'), '--target', server.url])).code).toBe(2);
  });
});
