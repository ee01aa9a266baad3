import type { KafkaMessage } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { DecodePool } from './decode-pool.ts';
import { INLINE_BELOW_BYTES, decodeBatch, decodeMessages } from './decode-batch.ts';

const NOW = Date.UTC(2026, 10, 25, 12);
const pool = new DecodePool({ threads: 1 });
afterAll(() => pool.close());

function message(offset: number, value: Buffer | null, timestamp = NOW - 5_000): KafkaMessage {
  return {
    key: Buffer.from(`k${offset}`),
    value,
    timestamp: String(timestamp),
    attributes: 0,
    offset: String(offset),
    headers: {},
  } as KafkaMessage;
}

/** A batch past the inline size: good events with a bad message of each kind among them. */
function batch(): { messages: KafkaMessage[]; bytes: number } {
  const messages: KafkaMessage[] = [];
  let bytes = 0;
  for (let offset = 100; bytes < 2 * INLINE_BELOW_BYTES; offset++) {
    const value =
      offset === 110
        ? null
        : offset === 120
          ? Buffer.from('{"metric":')
          : offset === 130
            ? Buffer.from([0x7b, 0xc3, 0x28, 0x7d])
            : Buffer.from(JSON.stringify({ metric: 'orders.count', value: offset, id: `o-${offset}`, dims: { region: 'eu' } }));
    messages.push(message(offset, value));
    bytes += value?.length ?? 0;
  }
  return { messages, bytes };
}

describe('decodeBatch', () => {
  it('decodes a big batch in the pool exactly as on the main thread: each event with its message, each reject with its origin, key and value', async () => {
    const { messages, bytes } = batch();
    const pooled = await decodeBatch(pool, 'orders', 2, messages, bytes, NOW);
    expect(pooled).toEqual(decodeMessages('orders', 2, messages, NOW));
    expect(pooled.events.length).toBe(messages.length - 3);
    expect(pooled.messages[0]).toBe(messages[0]);
    expect(pooled.events[0]!.ts).toBe(NOW - 5_000); // no ts: the message's timestamp
    expect(pooled.rejected.map((r) => [r.origin, r.reason.slice(0, 22)])).toEqual([
      ['orders/2@110', 'empty message value (t'],
      ['orders/2@120', 'not valid JSON (line 1'],
      ['orders/2@130', 'not valid UTF-8: byte '],
    ]);
    expect(pooled.rejected[1]!.key).toBe(messages[20]!.key);
    expect(pooled.rejected[1]!.value).toBe(messages[20]!.value);
  });

  it('decodes on the calling thread, with the same result, when the pool has no threads', async () => {
    const none = new DecodePool({ threads: 0 });
    expect(none.full).toBe(true);
    const { messages, bytes } = batch();
    expect(await decodeBatch(none, 'orders', 2, messages, bytes, NOW)).toEqual(decodeMessages('orders', 2, messages, NOW));
    await none.close();
  });

  it('decodes on the calling thread, with the same result, when a worker fails', async () => {
    class FailingPool extends DecodePool {
      override kafka(): Promise<never> {
        return Promise.reject(new Error('worker ended: out of memory'));
      }
    }
    const failing = new FailingPool({ threads: 1 });
    expect(failing.full).toBe(false);
    const { messages, bytes } = batch();
    expect(await decodeBatch(failing, 'orders', 2, messages, bytes, NOW)).toEqual(decodeMessages('orders', 2, messages, NOW));
    await failing.close();
  });
});
