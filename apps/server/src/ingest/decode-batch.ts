import type { KafkaMessage } from 'kafkajs';
import type { MetricEvent } from '@northstar/shared';
import type { RejectedRecord } from '../store/event-store.ts';
import type { DeadLetter } from './dead-letter.ts';
import { decodeValues, type DecodedValues } from './decode-kafka.ts';
import type { DecodePool } from './decode-pool.ts';

export type KafkaReject = RejectedRecord & DeadLetter;

export interface Decoded {
  events: MetricEvent[];
  /** The message each event came from, by index: a row the store refuses goes to the DLQ as it was sent. */
  messages: KafkaMessage[];
  rejected: KafkaReject[];
  /** The message each reject came from, by index. */
  rejectedFrom: KafkaMessage[];
}

/** A batch smaller than this is decoded on the main thread: handing it over costs more than it saves (bench/decode-pool.ts). */
export const INLINE_BELOW_BYTES = 32 * 1024;

/** A batch's decoded form, by message: what decode-kafka.ts found, with each event's and reject's message. */
function withMessages(topic: string, partition: number, messages: KafkaMessage[], out: DecodedValues): Decoded {
  return {
    events: out.events,
    messages: out.from.map((i) => messages[i]!),
    rejected: out.rejected.map(({ index, reason, raw }) => {
      const m = messages[index]!;
      const origin = `${topic}/${partition}@${m.offset}`;
      return { source: 'kafka', location: origin, origin, reason, raw, key: m.key, value: m.value };
    }),
    rejectedFrom: out.rejected.map(({ index }) => messages[index]!),
  };
}

const timestampsOf = (messages: KafkaMessage[]) => messages.map((m) => Number(m.timestamp));

/**
 * Pure step, on the calling thread: one Kafka batch → valid events and rejects, each
 * reject with a reason and origin (decode-kafka.ts has the rules).
 */
export function decodeMessages(topic: string, partition: number, messages: KafkaMessage[], nowMs: number): Decoded {
  return withMessages(
    topic,
    partition,
    messages,
    decodeValues(
      messages.map((m) => m.value),
      timestampsOf(messages),
      nowMs,
    ),
  );
}

/**
 * A batch decoded off the main thread (the decode pool) unless it is small or the pool's
 * queue is full, or a worker fails; the same result either way. `bytes`: the batch's size.
 */
export async function decodeBatch(
  decoder: DecodePool,
  topic: string,
  partition: number,
  messages: KafkaMessage[],
  bytes: number,
  nowMs: number,
): Promise<Decoded> {
  if (bytes < INLINE_BELOW_BYTES || decoder.full) return decodeMessages(topic, partition, messages, nowMs);
  const values = messages.map((m) => m.value);
  let out: DecodedValues;
  try {
    out = await decoder.kafka(values, timestampsOf(messages), nowMs);
  } catch {
    // a worker that failed (out of memory, ended) must not hold the partition: decode here
    return decodeMessages(topic, partition, messages, nowMs);
  }
  return withMessages(topic, partition, messages, out);
}
