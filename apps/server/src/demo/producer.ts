import type { MetricEvent } from '@northstar/shared';
import { DemoGenerator } from './generator.ts';

export interface EventSink {
  send(events: MetricEvent[]): Promise<void>;
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
}

/** Largest send in one request: well under the ingest body limit. */
const CHUNK_EVENTS = 20_000;

export async function sendChunked(sink: EventSink, events: MetricEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK_EVENTS) await sink.send(events.slice(i, i + CHUNK_EVENTS));
}

/** Runs the demo stream until stopped (or for durationMs); resolves when it has stopped. */
export function runProducer(opts: ProducerOptions): { stop: () => Promise<void>; done: Promise<void> } {
  const startedAt = Date.now();
  const generator = new DemoGenerator(opts.seed, opts.backfillFromMs);
  let stopped = false;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      const now = Date.now();
      if (opts.durationMs !== undefined && now - startedAt >= opts.durationMs) break;
      const events = generator.generate(now);
      try {
        await sendChunked(opts.sink, events);
        opts.onTick?.(events.length);
      } catch (err) {
        // the generator has moved on; a live demo prefers a gap to a growing backlog
        opts.onError(err as Error);
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, opts.tickMs).unref();
      });
    }
    await opts.sink.close();
  })();
  return {
    done,
    stop: async () => {
      stopped = true;
      wake?.();
      await done;
    },
  };
}
