import { describe, expect, it } from 'vitest';
import { runProducer, type EventSink } from './producer.ts';
import { retryAfterMs } from './sinks.ts';

describe('retryAfterMs', () => {
  const now = Date.UTC(2026, 11, 7, 12, 0, 0);
  it('reads seconds and HTTP dates, within [0, 30 s]', () => {
    expect(retryAfterMs('5', now)).toBe(5_000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
    expect(retryAfterMs(new Date(now + 3_000).toUTCString(), now)).toBe(3_000);
    expect(retryAfterMs(new Date(now - 3_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs('3600', now)).toBe(30_000);
  });

  it('waits a second when the header is missing or unreadable', () => {
    expect(retryAfterMs(null, now)).toBe(1_000);
    expect(retryAfterMs('soon', now)).toBe(1_000);
    expect(retryAfterMs('-5', now)).toBe(1_000);
  });
});

describe('runProducer with a sink waiting to retry', () => {
  it('a stop ends the wait: the sink is told through the signal and the stop does not hold', async () => {
    let aborted = false;
    const sink: EventSink = {
      send: (_events, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal?.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('stopped while waiting to retry'));
          });
        }),
      close: async () => undefined,
    };
    const errors: string[] = [];
    const producer = runProducer({
      sink,
      seed: 1,
      backfillFromMs: Date.now() - 60_000,
      tickMs: 10,
      durationMs: undefined,
      onError: (err) => errors.push(err.message),
    });
    await new Promise((r) => setTimeout(r, 50));
    await producer.stop();
    expect(aborted).toBe(true);
    expect(errors).toEqual(['stopped while waiting to retry']);
  });
});
