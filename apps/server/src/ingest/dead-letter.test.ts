import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  COPY_BYTES,
  DLQ_SIZE_HEADER,
  DLQ_TRUNCATED_HEADER,
  DeadLetterQueue,
  RECORD_MAX_BYTES,
  SEND_MAX_BYTES,
  type DeadLetter,
  type DlqSender,
} from './dead-letter.ts';

const reject = (i: number, bytes: number): DeadLetter => ({
  key: Buffer.from(`k${i}`),
  value: Buffer.alloc(bytes, 0x61 + (i % 26)),
  reason: 'not valid JSON',
  origin: `t/0@${i}`,
});

/** A broker double: refuses a produce whose payload passes 1 MiB, as Kafka does with its default message.max.bytes. */
function broker(opts: { failSends?: Set<number>; limit?: number } = {}) {
  const landed: Message[] = [];
  let sends = 0;
  const sender: DlqSender = {
    send: async (messages) => {
      const n = sends++;
      const bytes = messages.reduce((s, m) => s + ((m.value as Buffer | null)?.length ?? 0), 0);
      if (bytes > (opts.limit ?? 1024 * 1024))
        throw Object.assign(new Error('The request included a message larger than the max message size the server will accept'), {
          type: 'MESSAGE_TOO_LARGE',
        });
      if (opts.failSends?.has(n)) throw new Error('Broker not available');
      landed.push(...messages);
    },
  };
  return { sender, landed, sends: () => sends };
}

const run = { live: () => true, heartbeat: async () => undefined, sleep: async () => undefined };

describe('DeadLetterQueue', () => {
  it('splits rejects into sends under the broker limit and sends an oversized one as a bounded copy naming its size', async () => {
    const b = broker();
    const rejects = [reject(0, 700_000), reject(1, 700_000), reject(2, 100), reject(3, 300_000), reject(4, 300_000), reject(5, 300_000)];
    const out = await new DeadLetterQueue().send(rejects, { ...run, sender: b.sender });
    expect(out?.failed).toEqual([]);
    expect(b.landed).toHaveLength(6);
    const big = b.landed[0]!;
    expect((big.value as Buffer).length).toBe(COPY_BYTES);
    expect(big.headers?.[DLQ_SIZE_HEADER]).toBe('700000');
    expect(big.headers?.[DLQ_TRUNCATED_HEADER]).toBe('true');
    expect(b.landed[2]!.headers?.[DLQ_TRUNCATED_HEADER]).toBeUndefined();
    expect(out?.sent.map((s) => s.cut)).toEqual([true, true, false, false, false, false]);
    // three 300 kB rejects do not fit one send
    expect(b.sends()).toBeGreaterThanOrEqual(2);
    expect(RECORD_MAX_BYTES).toBeLessThan(SEND_MAX_BYTES);
  });

  it('does not send again what already landed when a later part of the same rejects fails (no duplicates on retry)', async () => {
    const b = broker({ failSends: new Set([1]) });
    const rejects = Array.from({ length: 9 }, (_, i) => reject(i, 300_000));
    const out = await new DeadLetterQueue().send(rejects, { ...run, sender: b.sender });
    expect(out?.failed).toEqual([]);
    expect(b.landed.map((m) => String(m.key)).sort()).toEqual(rejects.map((r) => String(r.key)).sort());
  });

  it('gives up after bounded retries, hands the rejects back and reports degraded until a send succeeds', async () => {
    let down = true;
    const landed: Message[] = [];
    const sender: DlqSender = {
      send: async (m) => {
        if (down) throw new Error('This server does not host this topic-partition');
        landed.push(...m);
      },
    };
    const dlq = new DeadLetterQueue();
    const retries: number[] = [];
    const out = await dlq.send([reject(0, 10), reject(1, 10)], { ...run, sender, onRetry: (a) => retries.push(a) });
    expect(out?.failed.map((f) => f.reject.origin)).toEqual(['t/0@0', 't/0@1']);
    expect(out?.failed[0]!.error).toMatch(/does not host/);
    expect(retries).toEqual([1, 2, 3, 4, 5]);
    expect(dlq.degraded).toBe(true);
    // while degraded, one try per batch: a dead DLQ must not slow every batch by the whole backoff
    retries.length = 0;
    await dlq.send([reject(2, 10)], { ...run, sender, onRetry: (a) => retries.push(a) });
    expect(retries).toEqual([1]);
    down = false;
    const back = await dlq.send([reject(3, 10)], { ...run, sender });
    expect(back?.sent).toHaveLength(1);
    expect(dlq.degraded).toBe(false);
  });

  it('sends smaller copies to a topic whose message limit is below the default', async () => {
    const b = broker({ limit: 20_000 });
    const out = await new DeadLetterQueue().send([reject(0, 200_000), reject(1, 50)], { ...run, sender: b.sender });
    expect(out?.failed).toEqual([]);
    expect(b.landed.map((m) => String(m.key)).sort()).toEqual(['k0', 'k1']);
    expect((b.landed.find((m) => String(m.key) === 'k0')!.value as Buffer).length).toBeLessThanOrEqual(20_000);
  });

  it('stops (undefined) when the batch is no longer ours', async () => {
    const b = broker({ failSends: new Set([0]) });
    const out = await new DeadLetterQueue().send([reject(0, 10)], { ...run, sender: b.sender, live: () => false });
    expect(out).toBeUndefined();
  });
});
