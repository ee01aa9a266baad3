/**
 * Decode pool benchmark: what parsing and validating costs the MAIN thread, decoded there
 * (the baseline, in the same invocation) or handed to the decode pool (ingest/decode-pool.ts),
 * for Kafka batches and for HTTP bodies of several sizes. The main thread's busy time is
 * its event-loop utilisation over the run; ratios hold on a shared box, absolute figures do not.
 *
 *   node --import tsx bench/decode-pool.ts [--rounds 20] [--threads N]
 */
import { performance } from 'node:perf_hooks';
import { decodeBody } from '../apps/server/src/ingest/decode-body.ts';
import { decodeValues } from '../apps/server/src/ingest/decode-kafka.ts';
import { DecodePool } from '../apps/server/src/ingest/decode-pool.ts';
import { eventFactory, fmt, machineNote, numberOption, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write('usage: node --import tsx bench/decode-pool.ts [--rounds N] [--threads N]\n');
  process.exit(0);
}

const ROUNDS = numberOption('rounds', 20);
const THREADS = numberOption('threads', 0) || undefined;

interface Run {
  wallMs: number;
  /** Main-thread busy time (event-loop utilisation × wall). */
  busyMs: number;
}

/** `concurrent` tasks at a time, ROUNDS times; the main thread's busy time across all of it. */
async function measure(task: () => Promise<unknown> | unknown, concurrent: number): Promise<Run> {
  await Promise.all(Array.from({ length: concurrent }, task)); // warm-up (threads start, JIT)
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  for (let r = 0; r < ROUNDS; r++) await Promise.all(Array.from({ length: concurrent }, task));
  const wallMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  return { wallMs, busyMs: elu.active };
}

function line(label: string, rows: number, inline: Run, pooled: Run): string {
  const n = rows * ROUNDS;
  return [
    `  ${label}:`,
    `main thread ${((inline.busyMs * 1e6) / n).toFixed(0)} → ${((pooled.busyMs * 1e6) / n).toFixed(0)} ns/event (pool/inline ${(pooled.busyMs / inline.busyMs).toFixed(2)}×);`,
    `wall ${fmt((n / inline.wallMs) * 1000)} → ${fmt((n / pooled.wallMs) * 1000)} events/s`,
  ].join(' ');
}

async function main(): Promise<void> {
  const next = eventFactory('bench-decode');
  const pool = new DecodePool({ threads: THREADS });
  const now = Date.now();
  const out: string[] = [
    '',
    '==== decode-pool ====',
    `${ROUNDS} rounds; main-thread busy time per event, decoded inline (baseline) → by the pool`,
  ];
  try {
    // Kafka: a batch of 10 000 messages, 3 partitions at once (the consumer's concurrency)
    const messages = Array.from({ length: 10_000 }, () => Buffer.from(JSON.stringify(next(now))));
    const stamps = messages.map(() => now);
    const kInline = await measure(() => decodeValues(messages, stamps, now), 3);
    const kPool = await measure(() => pool.kafka(messages, stamps, now), 3);
    out.push(line('kafka, 3 × 10 000-message batches', 30_000, kInline, kPool));
    // HTTP: NDJSON bodies of several sizes, 4 requests at once
    for (const rows of [10, 100, 1_000, 10_000]) {
      const body = new TextEncoder().encode(Array.from({ length: rows }, () => JSON.stringify(next(now))).join('\n'));
      const hInline = await measure(() => decodeBody(body, 'ndjson', now), 4);
      const hPool = await measure(() => pool.body(body, 'ndjson', now), 4);
      out.push(line(`http, 4 × ${fmt(rows)}-line NDJSON bodies (${fmt(body.byteLength)} B each)`, 4 * rows, hInline, hPool));
    }
  } finally {
    await pool.close();
  }
  out.push(`  ${machineNote()}`, '');
  process.stdout.write(out.join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`decode-pool failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
