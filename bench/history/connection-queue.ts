/**
 * What a chart waits for when statements queue on another chdb connection, with and
 * without the product's statement queue (store/statement-queue.ts), in one invocation:
 * `--queued` statements of `sleep(--sleep)` are sent at once on connection A, then
 * `SELECT 1` on connection B (a connection of its own, as history reads have) is timed.
 * Baseline: chdb-node's connections as they come, where each statement queued on A takes
 * one of libuv's threads (4 by default) and blocks it until A is free.
 *
 *   node --import tsx bench/history/connection-queue.ts [--queued 8] [--sleep 0.5] [--rounds 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createChdbConnection } from 'chdb/connection';
import { oneStatementAtATime } from '../../apps/server/src/store/statement-queue.ts';
import { machineNote, numberOption, wantsHelp } from '../support.ts';

if (wantsHelp()) {
  console.log('usage: node --import tsx bench/history/connection-queue.ts [--queued 8] [--sleep 0.5] [--rounds 3]');
  process.exit(0);
}
const queued = Math.round(numberOption('queued', 8));
const sleepSeconds = numberOption('sleep', 0.5);
const rounds = Math.round(numberOption('rounds', 3));
const dir = mkdtempSync(path.join(tmpdir(), 'northstar-bench-queue-'));

type Conn = ReturnType<typeof createChdbConnection>;
const run = (c: Conn, query: string) => c.query({ query, format: 'JSONEachRow', query_id: crypto.randomUUID() } as never);

async function waitBehindQueue(a: Conn, b: Conn): Promise<number> {
  const held = Array.from({ length: queued }, () => run(a, `SELECT sleep(${sleepSeconds})`));
  await new Promise((r) => setTimeout(r, 50));
  const t = performance.now();
  await run(b, 'SELECT 1');
  const waited = performance.now() - t;
  await Promise.all(held);
  return waited;
}

try {
  const raw = [createChdbConnection({ path: dir }), createChdbConnection({ path: dir })] as const;
  const queuedConns = raw.map((c) => oneStatementAtATime(c)) as unknown as [Conn, Conn];
  for (const c of raw) await run(c, 'SELECT 1');
  const bare: number[] = [];
  const product: number[] = [];
  for (let i = 0; i < rounds; i++) {
    bare.push(await waitBehindQueue(raw[0], raw[1]));
    product.push(await waitBehindQueue(queuedConns[0], queuedConns[1]));
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  console.log(`SELECT 1 on connection B while ${queued} × sleep(${sleepSeconds}) queue on connection A (${rounds} rounds, median):`);
  console.log(`  chdb-node as it comes (baseline): ${med(bare).toFixed(1)} ms   [${bare.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  with the statement queue:         ${med(product).toFixed(1)} ms   [${product.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`  ratio queue / baseline: ${(med(product) / med(bare)).toFixed(3)}`);
  console.log(machineNote());
  await Promise.all(raw.map((c) => c.close()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
