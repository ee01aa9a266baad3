/**
 * Does chdb honour `os_thread_priority` on a statement, and does a niced ingest-like
 * statement leave a chart's read faster? One invocation, interleaved: connection A runs a
 * CPU-bound statement over and over (an insert's stand-in: hashing `--rows` numbers on
 * 2 threads) with os_thread_priority 0 or 19, in blocks of `--block` reads, while
 * connection B times a fixed read (hashing `--read-rows` numbers). While A runs it samples
 * the nice value of this process's threads (/proc/self/task), so the bench says whether
 * the engine applied the setting: ClickHouse applies it only with CAP_SYS_NICE and
 * otherwise logs and ignores it.
 *
 *   node --import tsx bench/history/thread-priority.ts [--rows 300000000] [--read-rows 20000000] [--reads 60] [--block 10]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createChdbConnection } from 'chdb/connection';
import { machineNote, numberOption, percentile, wantsHelp } from '../support.ts';

if (wantsHelp()) {
  console.log('usage: node --import tsx bench/history/thread-priority.ts [--rows N] [--read-rows N] [--reads N] [--block N]');
  process.exit(0);
}
const rows = Math.round(numberOption('rows', 300_000_000));
const readRows = Math.round(numberOption('read-rows', 20_000_000));
const reads = Math.round(numberOption('reads', 60));
const block = Math.round(numberOption('block', 10));
const dir = mkdtempSync(path.join(tmpdir(), 'northstar-bench-prio-'));

type Conn = ReturnType<typeof createChdbConnection>;
// chdb runs the whole statement before it answers: awaiting the answer is awaiting the statement
const run = (c: Conn, query: string) => c.query({ query, format: 'JSONEachRow', query_id: crypto.randomUUID() } as never);

/** The highest nice value among this process's threads now. */
function maxNice(): number {
  let max = -20;
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      max = Math.max(max, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return max;
}

const capSysNice = (BigInt(`0x${/^CapEff:\s+(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0'}`) >> 23n) & 1n;

try {
  const [ingest, chart] = [createChdbConnection({ path: dir }), createChdbConnection({ path: dir })];
  const readQuery = `SELECT count() FROM numbers(${readRows}) WHERE cityHash64(number) % 7 = 1 SETTINGS max_threads = 2`;
  for (let i = 0; i < 3; i++) await run(chart, readQuery);
  const ms = new Map<number, number[]>([
    [0, []],
    [19, []],
  ]);
  const statements = new Map<number, { n: number; seconds: number; niceSeen: number }>([
    [0, { n: 0, seconds: 0, niceSeen: -20 }],
    [19, { n: 0, seconds: 0, niceSeen: -20 }],
  ]);
  const order = [0, 19, 19, 0];
  for (let b = 0; b * block < 2 * reads; b++) {
    const prio = order[b % order.length]!;
    let running = true;
    const tally = statements.get(prio)!;
    const t0 = performance.now();
    const load = (async () => {
      while (running) {
        await run(
          ingest,
          `SELECT count() FROM numbers(${rows}) WHERE cityHash64(number) % 7 = 1 SETTINGS max_threads = 2, os_thread_priority = ${prio}`,
        );
        tally.n++;
      }
    })();
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < block; i++) {
      tally.niceSeen = Math.max(tally.niceSeen, maxNice());
      const t = performance.now();
      await run(chart, readQuery);
      ms.get(prio)!.push(performance.now() - t);
    }
    running = false;
    await load;
    tally.seconds += (performance.now() - t0) / 1000;
  }
  console.log(`CAP_SYS_NICE: ${capSysNice === 1n ? 'yes' : 'no'}`);
  console.log(
    `read of ${readRows.toLocaleString('en')} rows on connection B while connection A runs ${rows.toLocaleString('en')}-row statements:`,
  );
  const p = new Map<number, { p50: number; p99: number }>();
  for (const prio of [0, 19]) {
    const xs = ms.get(prio)!.sort((a, b) => a - b);
    const s = statements.get(prio)!;
    p.set(prio, { p50: percentile(xs, 50), p99: percentile(xs, 99) });
    console.log(
      `  os_thread_priority ${String(prio).padStart(2)}: read p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms (${xs.length} reads); A ran ${(s.n / s.seconds).toFixed(2)} statements/s; highest thread nice seen ${s.niceSeen}`,
    );
  }
  console.log(
    `  ratio 19 / 0: read p50 ${(p.get(19)!.p50 / p.get(0)!.p50).toFixed(2)}, p99 ${(p.get(19)!.p99 / p.get(0)!.p99).toFixed(2)}, A's statements/s ${(statements.get(19)!.n / statements.get(19)!.seconds / (statements.get(0)!.n / statements.get(0)!.seconds)).toFixed(2)}`,
  );
  console.log(machineNote());
  await Promise.all([ingest.close(), chart.close()]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
