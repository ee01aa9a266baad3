import { setImmediate as immediate } from 'node:timers/promises';

/**
 * Events a synchronous pass over a batch handles before it lets the event loop run. Ingest
 * batches are 10 000–25 000 events and each pass costs the main thread 0.5–2 µs an event:
 * done in one go on a loaded 2-core box, a pass held the loop for hundreds of milliseconds,
 * and every history query, wall frame and request waited behind it (bench/history, phase 2:
 * event-loop delay p99 700+ ms). In slices, they wait for one slice at most.
 */
export const LOOP_SLICE_EVENTS = 2_000;

/** Runs `visit(from, to)` over [0, n) in slices of LOOP_SLICE_EVENTS, letting the loop run between them. */
export async function inLoopSlices(n: number, visit: (from: number, to: number) => void): Promise<void> {
  for (let from = 0; from < n; from += LOOP_SLICE_EVENTS) {
    if (from > 0) await immediate();
    visit(from, Math.min(n, from + LOOP_SLICE_EVENTS));
  }
}
