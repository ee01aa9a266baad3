/**
 * Decode pool benchmark: what parsing and validating costs the MAIN thread, decoded there
 * (the baseline, in the same invocation) or handed to the decode pool (ingest/decode-pool.ts),
 * for Kafka batches and for HTTP bodies of several sizes. The main thread's busy time is
 * its event-loop utilisation over the run; ratios hold on a shared box, absolute figures do not.
 *
 *   node --import tsx bench/decode-pool.ts [--rounds 20] [--threads N]
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { decodeBody } from '../apps/server/src/ingest/decode-body.ts';
import { decodeValues } from '../apps/server/src/ingest/decode-kafka.ts';
import { DecodePool } from '../apps/server/src/ingest/decode-pool.ts';
import { fromColumns, toColumns } from '../apps/server/src/ingest/event-columns.ts';
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
  // what the main thread pays to receive 10 000 checked events, by the form they cross in (best of 15)
  const events = Array.from({ length: 10_000 }, () => next(now));
  const forms = {
    'JSON text (JSON.parse)': (() => {
      const text = JSON.stringify(events);
      return () => JSON.parse(text) as unknown;
    })(),
    'objects (structured clone)': (() => {
      const bytes = v8.serialize(events);
      return () => v8.deserialize(bytes) as unknown;
    })(),
    'columns (event-columns.ts, used)': (() => {
      const bytes = v8.serialize(toColumns(events));
      return () => fromColumns(v8.deserialize(bytes) as ReturnType<typeof toColumns>);
    })(),
  };
  const best = Object.fromEntries(Object.keys(forms).map((k) => [k, Infinity])) as Record<keyof typeof forms, number>;
  for (let round = 0; round < 15; round++) {
    for (const [name, receive] of Object.entries(forms) as Array<[keyof typeof forms, () => unknown]>) {
      const t0 = performance.now();
      receive();
      best[name] = Math.min(best[name], performance.now() - t0);
    }
  }
  out.push(
    `  receiving 10 000 checked events on the main thread: ${Object.entries(best)
      .map(([name, ms]) => `${name} ${((ms * 1e6) / events.length).toFixed(0)} ns/event`)
      .join(', ')}`,
  );
  out.push(`  ${machineNote()}`, '');
  process.stdout.write(out.join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`decode-pool failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
