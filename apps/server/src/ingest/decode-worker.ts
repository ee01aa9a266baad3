/**
 * What a decode worker runs (decode-pool.ts): the same pure steps as the main thread,
 * on bytes handed over from it. Loaded through decode-worker.mjs, which registers the
 * TypeScript loader in the worker first.
 */
import { BodyError, decodeBody, type BodyFormat, type DecodedBatch } from './decode-body.ts';
import { decodeValues, type DecodedValues } from './decode-kafka.ts';

/** One Kafka batch's values, packed: `bytes` holds them back to back, `lengths[i]` is -1 for a null value. */
export interface KafkaTask {
  bytes: Uint8Array;
  lengths: Int32Array;
  timestamps: Float64Array;
  nowMs: number;
}

export interface BodyTask {
  bytes: Uint8Array;
  format: BodyFormat;
  nowMs: number;
}

/**
 * Events cross back as one JSON text, not as objects: the main thread's JSON.parse of
 * checked events costs a fraction of structured-clone's rebuilding of the same objects
 * (bench/decode-pool.ts), and the parse and checks of untrusted input stay here.
 */
export type Wire<T extends { events: unknown[] }> = Omit<T, 'events'> & { events: string };

/** A body refused as a whole comes back as its message: an Error's class does not cross threads. */
export type BodyOutcome = { ok: true; batch: Wire<DecodedBatch> } | { ok: false; error: string };

export function unpackValues(bytes: Uint8Array, lengths: Int32Array): Array<Uint8Array | null> {
  const values = new Array<Uint8Array | null>(lengths.length);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const n = lengths[i]!;
    if (n < 0) values[i] = null;
    else {
      values[i] = bytes.subarray(at, at + n);
      at += n;
    }
  }
  return values;
}

export function kafka(task: KafkaTask): Wire<DecodedValues> {
  const out = decodeValues(unpackValues(task.bytes, task.lengths), task.timestamps, task.nowMs);
  return { ...out, events: JSON.stringify(out.events) };
}

export function body(task: BodyTask): BodyOutcome {
  try {
    const batch = decodeBody(task.bytes, task.format, task.nowMs);
    return { ok: true, batch: { ...batch, events: JSON.stringify(batch.events) } };
  } catch (err) {
    if (err instanceof BodyError) return { ok: false, error: err.message };
    throw err;
  }
}
