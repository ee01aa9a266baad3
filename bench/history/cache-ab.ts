/**
 * bench/history phase 2 with the history series cache (apps/server/src/store/series-cache.ts)
 * off and on in one invocation: blocks of rounds in the order off, on, on, off, off, on, …
 * (each pair mirrored, so a drift of the box's load falls on both alike), each block timing
 * every query once a round. Every "on" block starts from an empty cache, so its first round
 * is what a first visit costs (cold: a miss, the store answers and the rows are kept) and
 * the others are repeats; both are printed apart, and p50/p99 per query over all of an
 * "on" block's rounds against "off", with the ratios, and the ingest the server achieved
 * during each variant.
 */
import { percentile, fmt, type ServerMetrics } from '../support.ts';
import { runBlocks, timing, type Timing, type Variant } from './ab-blocks.ts';
import type { SeriesCache } from '../../apps/server/src/store/series-cache.ts';
import type { IntervalHistogram } from 'node:perf_hooks';

export async function timeCacheAB(opts: {
  list: ReadonlyArray<{ label: string; run: () => Promise<unknown> }>;
  /** Rounds per variant. */
  reps: number;
  blockRounds: number;
  cache: SeriesCache;
  metrics: () => Promise<ServerMetrics>;
  loopDelay: IntervalHistogram;
}): Promise<{ off: Map<string, Timing>; on: Map<string, Timing> }> {
  const { list, reps, blockRounds, cache } = opts;
  const ms = { off: new Map<string, number[]>(), on: new Map<string, number[]>() };
  const cold = new Map<string, number[]>();
  const repeat = new Map<string, number[]>();
  for (const q of list) {
    ms.off.set(q.label, []);
    ms.on.set(q.label, []);
    cold.set(q.label, []);
    repeat.set(q.label, []);
  }
  const ingest = { off: { seconds: 0, stored: 0, loopP99Ms: [] as number[] }, on: { seconds: 0, stored: 0, loopP99Ms: [] as number[] } };
  const lookups = { hit: 0, partial: 0, miss: 0 };
  let counting = false;
  cache.onLookup((r) => {
    if (counting) lookups[r]++;
  });
  const wasEnabled = cache.enabled;
  let before: ServerMetrics;
  try {
    await runBlocks({
      list,
      reps,
      blockRounds,
      beforeBlock: async (variant) => {
        // every "on" block from empty: its first round is a first visit
        cache.setEnabled(false);
        cache.setEnabled(variant === 'on');
        before = await opts.metrics();
        opts.loopDelay.reset();
        counting = variant === 'on';
      },
      afterBlock: async (variant, seconds) => {
        counting = false;
        const after = await opts.metrics();
        ingest[variant].seconds += seconds;
        ingest[variant].stored += (after.stored.http ?? 0) - (before.stored.http ?? 0);
        ingest[variant].loopP99Ms.push(opts.loopDelay.percentile(99) / 1e6);
      },
      timed: (variant, round, label, took) => {
        ms[variant].get(label)!.push(took);
        if (variant === 'on') (round === 0 ? cold : repeat).get(label)!.push(took);
      },
    });
  } finally {
    cache.setEnabled(wasEnabled);
  }

  const result = { off: new Map<string, Timing>(), on: new Map<string, Timing>() };
  for (const v of ['off', 'on'] as const) for (const q of list) result[v].set(q.label, timing(ms[v].get(q.label)!));
  console.log(
    `  series cache A/B: off | on, blocks of ${blockRounds} rounds (off, on, on, off, …), ${reps} rounds each; every "on" block starts empty`,
  );
  console.log(
    `  ${'p50 / p99 ms'.padEnd(56)} ${'cache off'.padStart(17)} | ${'cache on'.padStart(17)} | p50, p99 on/off | on: first round (cold) median / max, later rounds p50 / p99`,
  );
  for (const q of list) {
    const off = result.off.get(q.label)!;
    const on = result.on.get(q.label)!;
    const first = timing(cold.get(q.label)!);
    // the rounds after each block's first: repeats of a query the cache has seen
    const later = timing(repeat.get(q.label)!);
    const cell = (t: Timing) => `${t.p50.toFixed(1)} / ${t.p99.toFixed(1)}`.padStart(17);
    const coldMax = Math.max(...cold.get(q.label)!);
    console.log(
      `  ${q.label.padEnd(56)} ${cell(off)} | ${cell(on)} | ${(on.p50 / off.p50).toFixed(2)}, ${(on.p99 / off.p99).toFixed(2)} | ${first.p50.toFixed(1)} / ${coldMax.toFixed(1)}, ${later.p50.toFixed(1)} / ${later.p99.toFixed(1)}`,
    );
  }
  const rate = (v: Variant) => ingest[v].stored / ingest[v].seconds;
  for (const v of ['off', 'on'] as const) {
    const loop = [...ingest[v].loopP99Ms].sort((a, b) => a - b);
    console.log(
      `  ingest, cache ${v.padEnd(3)}: ${fmt(rate(v))} events/s (${fmt(ingest[v].stored)} in ${ingest[v].seconds.toFixed(1)} s); event-loop delay p99 per block, median ${percentile(loop, 50).toFixed(0)} ms`,
    );
  }
  console.log(
    `  ingest ratio on/off: ${(rate('on') / rate('off')).toFixed(2)}; cache lookups in the "on" blocks: ${lookups.hit} hit, ${lookups.partial} partial, ${lookups.miss} miss`,
  );
  return result;
}
