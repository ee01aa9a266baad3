import { parseEvent, type MetricEvent } from '@northstar/shared';
import { jsonSyntaxError } from './json-syntax.ts';
import { decodeUtf8 } from './utf8.ts';

/** A message the decoder refused: its index in the batch, why, and its text as received. */
export interface ValueReject {
  index: number;
  reason: string;
  raw: string;
}

export interface DecodedValues {
  events: MetricEvent[];
  /** The index (in the batch) of the message each event came from. */
  from: number[];
  rejected: ValueReject[];
}

/**
 * Pure step: the values of one Kafka batch → valid events and rejects, each with its reason.
 * An event without `ts` gets its message's timestamp (`timestamps[i]`), not the time it
 * is read: a redelivered message then carries the same ts, so the store can recognise its id.
 * Runs on the main thread or in a decode worker (decode-worker.ts): one rule, one place.
 */
export function decodeValues(values: ReadonlyArray<Uint8Array | null>, timestamps: ArrayLike<number>, nowMs: number): DecodedValues {
  const out: DecodedValues = { events: [], from: [], rejected: [] };
  for (let index = 0; index < values.length; index++) {
    const value = values[index];
    if (!value || value.length === 0) {
      out.rejected.push({ index, reason: 'empty message value (tombstone?)', raw: '' });
      continue;
    }
    const text = decodeUtf8(value);
    if (!text.ok) {
      out.rejected.push({
        index,
        reason: text.reason,
        raw: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'),
      });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.text);
    } catch (err) {
      // where and why, as over HTTP; JSON.parse's own message would quote the input back
      out.rejected.push({ index, reason: `not valid JSON (${jsonSyntaxError(text.text, (err as Error).message)})`, raw: text.text });
      continue;
    }
    const produced = timestamps[index]!;
    const result = parseEvent(parsed, Number.isFinite(produced) && produced > 0 && produced <= nowMs ? produced : nowMs);
    if (result.ok) {
      out.events.push(result.event);
      out.from.push(index);
    } else out.rejected.push({ index, reason: result.reason, raw: text.text });
  }
  return out;
}
