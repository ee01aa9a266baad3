import type { MetricEvent } from '@northstar/shared';
import { DemoGenerator } from './generator.ts';

export interface EventSink {
  /** `signal` aborts when the producer stops: a sink waiting to retry gives up instead of holding the stop. */
  send(events: MetricEvent[], signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export interface ProducerOptions {
  sink: EventSink;
  seed: number;
  /** Start generating this far back, so windows and charts are full on first sight. */
  backfillFromMs: number;
  tickMs: number;
  /** Stop after this long (ms); undefined runs until stopped. */
  durationMs: number | undefined;
  onError: (err: Error) => void;
  onTick?: (sent: number) => void;
  /** The clock; a test may pass its own. */
  now?: () => number;
}

/** Largest send in one request: well under the ingest body limit. */
const CHUNK_EVENTS = 20_000;
/**
 * The backfill is generated and sent this much event time at a time (a few thousand
 * events at the daily peak), so a stop waits for one small request, not for a day of
 * history generated in one go and sent in one loop.
 */
export const BACKFILL_STEP_MS = 5 * 60_000;

/** Sends in request-sized chunks; stops between chunks once `stopped` says so. */
export async function sendChunked(
  sink: EventSink,
  events: MetricEvent[],
  stopped: () => boolean = () => false,
  signal?: AbortSignal,
): Promise<void> {
  for (let i = 0; i < events.length && !stopped(); i += CHUNK_EVENTS) await sink.send(events.slice(i, i + CHUNK_EVENTS), signal);
}

/**
 * Runs the demo stream until stopped (or for durationMs); resolves when it has stopped.
 * A stop lets the request in flight get its answer (so whatever the server accepted was
 * sent in full) and sends nothing after it, backfill or live.
 */
export function runProducer(opts: ProducerOptions): { stop: () => Promise<void>; done: Promise<void> } {
  const clock = opts.now ?? Date.now;
  const startedAt = clock();
  const generator = new DemoGenerator(opts.seed, opts.backfillFromMs);
  let generatedUntil = opts.backfillFromMs;
  let stopped = false;
  const stopping = new AbortController();
  let wake: (() => void) | undefined;
  const isStopped = () => stopped;
  const done = (async () => {
    while (!stopped) {
      const now = clock();
      // behind by more than a step: still backfilling, so no pause before the next step
      const backfilling = now - generatedUntil > BACKFILL_STEP_MS;
      // the backfill is sent whole however long it takes; durationMs bounds the live stream after it
      if (!backfilling && opts.durationMs !== undefined && now - startedAt >= opts.durationMs) break;
      generatedUntil = backfilling ? generatedUntil + BACKFILL_STEP_MS : now;
      const events = generator.generate(generatedUntil);
      let failed = false;
      try {
        await sendChunked(opts.sink, events, isStopped, stopping.signal);
        opts.onTick?.(events.length);
      } catch (err) {
        // the generator has moved on; a live demo prefers a gap to a growing backlog
        opts.onError(err as Error);
        failed = true;
      }
      if (stopped) break;
      // a backfill step yields to the event loop only; the live stream, and a failed send, wait a tick
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, backfilling && !failed ? 0 : opts.tickMs).unref();
      });
    }
    await opts.sink.close();
  })();
  return {
    done,
    stop: async () => {
      stopped = true;
      stopping.abort();
      wake?.();
      await done;
    },
  };
}
