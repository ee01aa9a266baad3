import { describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { DemoGenerator } from './generator.ts';
import { BACKFILL_STEP_MS, runProducer, type EventSink } from './producer.ts';

const NOW = Date.UTC(2026, 10, 25, 22, 0, 0);

/** A sink that records what it was sent; `onSend` runs after each send is recorded. */
function recordingSink(onSend: (sent: MetricEvent[][]) => void = () => {}) {
  const sent: MetricEvent[][] = [];
  let closed = false;
  let sendsAfterClose = 0;
  const sink: EventSink = {
    async send(events) {
      if (closed) sendsAfterClose += 1;
      sent.push(events);
      onSend(sent);
      // a request takes a while: the stop arrives while one is in flight
      await new Promise((r) => setTimeout(r, 1));
    },
    async close() {
      closed = true;
    },
  };
  return { sink, sent, closed: () => closed, sendsAfterClose: () => sendsAfterClose };
}

describe('runProducer', () => {
  it('a stop during the backfill ends it after the request in flight, not after the whole day', async () => {
    // the producer does not exist yet when the sink is made; the sink stops it through this
    const control: { stop?: () => Promise<void>; stopped?: Promise<void> } = {};
    const rec = recordingSink((sent) => {
      if (sent.length === 2) control.stopped = control.stop?.();
    });
    // the real clock: a day of history behind it, as `serve --demo` starts late in the day
    const dayAgo = Date.now() - 24 * 3_600_000;
    const producer = runProducer({
      sink: rec.sink,
      seed: 11,
      backfillFromMs: dayAgo,
      tickMs: 500,
      durationMs: undefined,
      onError: (e) => {
        throw e;
      },
    });
    control.stop = producer.stop;
    await producer.done;
    await control.stopped;
    const sentEvents = rec.sent.reduce((n, batch) => n + batch.length, 0);
    // the request in flight when stop was called is the last one; the whole day is ~1.5M events
    expect(rec.sent.length).toBe(2);
    expect(sentEvents).toBeLessThan(20_000);
    expect(Math.max(...rec.sent[1]!.map((e) => e.ts))).toBeLessThan(dayAgo + 2 * BACKFILL_STEP_MS);
    expect(rec.closed()).toBe(true);
    expect(rec.sendsAfterClose()).toBe(0);
  });

  it('sends the backfill in order, whole and once, the same events as one generation of the span', async () => {
    const from = NOW - 3_600_000;
    const control: { stop?: () => Promise<void> } = {};
    const rec = recordingSink((sent) => {
      // caught up with the clock: the backfill is done
      if (sent.at(-1)!.at(-1)!.ts >= NOW - BACKFILL_STEP_MS) void control.stop?.();
    });
    const producer = runProducer({
      sink: rec.sink,
      seed: 5,
      backfillFromMs: from,
      tickMs: 500,
      durationMs: undefined,
      onError: (e) => {
        throw e;
      },
      now: () => NOW,
    });
    control.stop = producer.stop;
    await producer.done;
    const expected = new DemoGenerator(5, from).generate(NOW);
    expect(rec.sent.length).toBeGreaterThan(3600_000 / BACKFILL_STEP_MS - 2);
    expect(rec.sent.flat()).toEqual(expected);
  });
});
