/**
 * bench/history phase 2 with the store's read-first gate (apps/server/src/store/read-first-gate.ts)
 * off and on in one invocation: blocks of rounds in the order off, on, on, off, off, on, …
 * (each pair mirrored, so a drift of the box's load over the phase falls on both alike),
 * each block timing every query once a round. Prints p50/p99 per query for both, the ingest
 * the server achieved during each (stored events/s, inserts, id checks, what the gate held)
 * and the ratios on/off.
 */
import type { IntervalHistogram } from 'node:perf_hooks';
import type { ReadFirstGate } from '../../apps/server/src/store/read-first-gate.ts';
import { fmt, percentile, type ServerMetrics } from '../support.ts';
import { runBlocks, timing, type Timing, type Variant } from './ab-blocks.ts';

interface IngestTally {
  seconds: number;
  stored: number;
  inserts: number;
  insertSeconds: number;
  idChecks: number;
  idCheckSeconds: number;
  held: number;
  heldMs: number;
  loopP99Ms: number[];
}

export async function timeReadFirstAB(opts: {
  list: ReadonlyArray<{ label: string; run: () => Promise<unknown> }>;
  /** Rounds per variant. */
  reps: number;
  blockRounds: number;
  /** The gate's bound while on. */
  holdMs: number;
  gate: ReadFirstGate;
  metrics: () => Promise<ServerMetrics>;
  loopDelay: IntervalHistogram;
}): Promise<{ off: Map<string, Timing>; on: Map<string, Timing> }> {
  const { list, reps, blockRounds, holdMs, gate } = opts;
  const configured = gate.maxHoldMs;
  const ms = { off: new Map<string, number[]>(), on: new Map<string, number[]>() };
  for (const v of ['off', 'on'] as const) for (const q of list) ms[v].set(q.label, []);
  const tally = (): IngestTally => ({
    seconds: 0,
    stored: 0,
    inserts: 0,
    insertSeconds: 0,
    idChecks: 0,
    idCheckSeconds: 0,
    held: 0,
    heldMs: 0,
    loopP99Ms: [],
  });
  const ingest = { off: tally(), on: tally() };
  let variant: Variant = 'off';
  /** Holds are counted in the blocks only, not in the warm-up (which runs at the configured bound). */
  let counting = false;
  gate.onHold((_statement, heldMs) => {
    if (!counting) return;
    ingest[variant].held++;
    ingest[variant].heldMs += heldMs;
  });
  let before: ServerMetrics;
  try {
    await runBlocks({
      list,
      reps,
      blockRounds,
      beforeBlock: async (v) => {
        variant = v;
        gate.setMaxHoldMs(v === 'on' ? holdMs : 0);
        before = await opts.metrics();
        opts.loopDelay.reset();
        counting = true;
      },
      afterBlock: async (v, seconds) => {
        counting = false;
        const after = await opts.metrics();
        const t = ingest[v];
        t.seconds += seconds;
        t.stored += (after.stored.http ?? 0) - (before.stored.http ?? 0);
        t.inserts += after.insertCount - before.insertCount;
        t.insertSeconds += after.insertSecondsSum - before.insertSecondsSum;
        t.idChecks += after.idCheckCount - before.idCheckCount;
        t.idCheckSeconds += after.idCheckSecondsSum - before.idCheckSecondsSum;
        t.loopP99Ms.push(opts.loopDelay.percentile(99) / 1e6);
      },
      timed: (v, _round, label, took) => ms[v].get(label)!.push(took),
    });
  } finally {
    gate.setMaxHoldMs(configured);
  }

  const result = { off: new Map<string, Timing>(), on: new Map<string, Timing>() };
  for (const v of ['off', 'on'] as const) for (const q of list) result[v].set(q.label, timing(ms[v].get(q.label)!));
  console.log(
    `  read-first A/B: gate off | on (hold ≤ ${holdMs} ms), blocks of ${blockRounds} rounds (off, on, on, off, …), ${reps} rounds each`,
  );
  console.log(`  ${'p50 / p99 ms'.padEnd(56)} ${'gate off'.padStart(17)} | ${'gate on'.padStart(17)} | p50, p99 on/off`);
  for (const q of list) {
    const off = result.off.get(q.label)!;
    const on = result.on.get(q.label)!;
    const cell = (t: Timing) => `${t.p50.toFixed(1)} / ${t.p99.toFixed(1)}`.padStart(17);
    console.log(`  ${q.label.padEnd(56)} ${cell(off)} | ${cell(on)} | ${(on.p50 / off.p50).toFixed(2)}, ${(on.p99 / off.p99).toFixed(2)}`);
  }
  const rate = (t: IngestTally) => t.stored / t.seconds;
  for (const v of ['off', 'on'] as const) {
    const t = ingest[v];
    const mean = (sum: number, n: number) => (n > 0 ? ((sum / n) * 1000).toFixed(0) : '—');
    const loop = [...t.loopP99Ms].sort((a, b) => a - b);
    console.log(
      `  ingest, gate ${v.padEnd(3)}: ${fmt(rate(t))} events/s (${fmt(t.stored)} in ${t.seconds.toFixed(1)} s); ${fmt(t.inserts)} inserts, mean ${mean(t.insertSeconds, t.inserts)} ms; ${fmt(t.idChecks)} id checks, mean ${mean(t.idCheckSeconds, t.idChecks)} ms; held ${fmt(t.held)} statements, mean ${t.held > 0 ? (t.heldMs / t.held).toFixed(0) : '—'} ms; event-loop delay p99 per block, median ${percentile(loop, 50).toFixed(0)} ms`,
    );
  }
  console.log(`  ingest ratio on/off: ${(rate(ingest.on) / rate(ingest.off)).toFixed(2)}`);
  return result;
}
