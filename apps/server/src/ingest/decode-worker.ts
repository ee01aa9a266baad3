/**
 * What a decode worker runs (decode-pool.ts): the same pure steps as the main thread,
 * on bytes handed over from it. Loaded through decode-worker.mjs, which registers the
 * TypeScript loader in the worker first.
 */
import { Piscina } from 'piscina';
import { BodyError, decodeBody, type BodyFormat, type DecodedBatch } from './decode-body.ts';
import { decodeValues, type DecodedValues } from './decode-kafka.ts';
import { columnBuffers, toColumns, type EventColumns } from './event-columns.ts';
import { buildLines } from '../store/event-lines.ts';
import { prebuiltBuffers, type PrebuiltLines } from '../store/prebuilt-lines.ts';

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
  /** The source the events will be stored as (`http`, or `import` with an Idempotency-Key): the prebuilt lines name it. */
  source: string;
}

/**
 * Events cross back as columns (event-columns.ts), not as objects: far less work for the
 * main thread. With them, the batch's insert body and each event's id hash
 * (prebuilt-lines.ts), so the main thread's write copies slices of bytes instead of
 * serialising and hashing every event.
 */
export type Wire<T extends { events: unknown[] }> = Omit<T, 'events'> & { events: EventColumns; prebuilt: PrebuiltLines };

/** A body refused as a whole comes back as its message: an Error's class does not cross threads. */
export type BodyOutcome = { ok: true; batch: Wire<DecodedBatch> } | { ok: false; error: string };

/** `value` as the main thread receives it, its typed arrays' buffers moved there instead of copied (piscina's movable wrapper). */
function moved<T extends object>(value: T, buffers: ArrayBuffer[]): T {
  return Piscina.move({ [Piscina.transferableSymbol]: buffers, [Piscina.valueSymbol]: value } as unknown as ArrayBuffer) as unknown as T;
}

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
  const events = toColumns(out.events);
  const prebuilt = buildLines(out.events, 'kafka', task.nowMs);
  return moved({ ...out, events, prebuilt }, [...columnBuffers(events), ...prebuiltBuffers(prebuilt)]);
}

export function body(task: BodyTask): BodyOutcome {
  try {
    const batch = decodeBody(task.bytes, task.format, task.nowMs);
    const events = toColumns(batch.events);
    const prebuilt = buildLines(batch.events, task.source, task.nowMs);
    return moved({ ok: true, batch: { ...batch, events, prebuilt } }, [...columnBuffers(events), ...prebuiltBuffers(prebuilt)]);
  } catch (err) {
    if (err instanceof BodyError) return { ok: false, error: err.message };
    throw err;
  }
}
