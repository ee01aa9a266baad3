/**
 * The schedule both phase-2 A/Bs of bench/history share (read-first-ab.ts, cache-ab.ts): blocks
 * of rounds in the order off, on, on, off, off, on, … (each pair mirrored, so a drift of the
 * box's load over the phase falls on both variants alike), each round timing every query once,
 * until each variant has `reps` rounds. What a variant means, and what is tallied around a
 * block, is the caller's.
 */
import { percentile } from '../support.ts';

export type Variant = 'off' | 'on';

export interface Timing {
  p50: number;
  p95: number;
  p99: number;
  runs: number;
}

export const timing = (ms: readonly number[]): Timing => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), runs: sorted.length };
};

export async function runBlocks(opts: {
  list: ReadonlyArray<{ label: string; run: () => Promise<unknown> }>;
  /** Rounds per variant. */
  reps: number;
  blockRounds: number;
  /** Before a block: switch to `variant` and take what is compared after it. */
  beforeBlock: (variant: Variant) => Promise<void>;
  /** After a block of `seconds`. */
  afterBlock: (variant: Variant, seconds: number) => Promise<void>;
  /** One query's time in a block; `round` counts from 0 in each block. */
  timed: (variant: Variant, round: number, label: string, ms: number) => void;
}): Promise<void> {
  const { list, reps, blockRounds } = opts;
  const done = { off: 0, on: 0 };
  const order: Variant[] = ['off', 'on', 'on', 'off'];
  for (const q of list) for (let i = 0; i < 3; i++) await q.run(); // warm-up, not timed
  for (let block = 0; done.off < reps || done.on < reps; block++) {
    let variant = order[block % order.length]!;
    if (done[variant] >= reps) variant = variant === 'off' ? 'on' : 'off';
    const rounds = Math.min(blockRounds, reps - done[variant]);
    await opts.beforeBlock(variant);
    const t0 = performance.now();
    for (let round = 0; round < rounds; round++) {
      for (const q of list) {
        const t = performance.now();
        await q.run();
        opts.timed(variant, round, q.label, performance.now() - t);
      }
    }
    await opts.afterBlock(variant, (performance.now() - t0) / 1000);
    done[variant] += rounds;
  }
}
