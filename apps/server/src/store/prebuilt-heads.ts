import type { MetricEvent } from '@northstar/shared';
import { murmurHash3_32 } from './murmur3.ts';

/**
 * What a decode worker prepares for a batch's write besides the events themselves, so the
 * main thread does not (issue 16): each event's insert-line head (event-lines.ts,
 * `eventHead`) as UTF-8, back to back, and the id hash the id check sends
 * (event-store.ts). Plain typed arrays: their buffers are moved to the main thread, not
 * copied.
 */
export interface LineHeads {
  bytes: Uint8Array<ArrayBuffer>;
  /** Where each event's head ends in `bytes`; it starts where the previous one ends (0 for the first). */
  ends: Uint32Array<ArrayBuffer>;
  /** murmurHash3_32 of each event's id. */
  idHashes: Uint32Array<ArrayBuffer>;
}

/** The buffers to move (not copy) between threads. */
export const headsBuffers = (h: LineHeads): ArrayBuffer[] => [h.bytes.buffer, h.ends.buffer, h.idHashes.buffer];

/**
 * An event decoded off the main thread, with its prebuilt head and id hash. The link is
 * private: it is not one of the event's fields (equality, JSON and spreads do not see it),
 * and a copy (`{ ...e }`) or an event made any other way has none, so its line is built
 * from its fields. Events are not modified after decoding; a head could not follow that.
 */
/** One batch's heads, ready to copy from. */
export interface HeadsBatch {
  heads: LineHeads;
  /** `heads.bytes` as a Buffer, made once per batch, for Buffer.copy. */
  bytes: Buffer;
}

/** `heads` of a batch of `events` events, checked to be one per event. */
export function headsBatch(heads: LineHeads, events: number): HeadsBatch {
  if (heads.ends.length !== events || heads.idHashes.length !== events) {
    throw new Error(`${events} events but ${heads.ends.length} prebuilt heads and ${heads.idHashes.length} id hashes`);
  }
  return { heads, bytes: Buffer.from(heads.bytes.buffer, heads.bytes.byteOffset, heads.bytes.byteLength) };
}

/**
 * An event decoded off the main thread, with its prebuilt head and id hash. The link is
 * private: it is not one of the event's fields (equality, JSON and spreads do not see it),
 * and a copy (`{ ...e }`) or an event made any other way has none, so its line is built
 * from its fields. Events are not modified after decoding; a head could not follow that.
 */
export class PrebuiltEvent implements MetricEvent {
  metric: string;
  value: number;
  ts: number;
  id: string;
  dims: Record<string, string>;
  readonly #batch: HeadsBatch;
  readonly #index: number;

  constructor(metric: string, value: number, ts: number, id: string, dims: Record<string, string>, batch: HeadsBatch, index: number) {
    this.metric = metric;
    this.value = value;
    this.ts = ts;
    this.id = id;
    this.dims = dims;
    this.#batch = batch;
    this.#index = index;
  }

  static headBytes(e: MetricEvent): number {
    if (!(#batch in e)) return -1;
    const { ends } = e.#batch.heads;
    const i = e.#index;
    return ends[i]! - (i === 0 ? 0 : ends[i - 1]!);
  }

  static copyHead(e: MetricEvent, out: Buffer, at: number): number {
    if (!(#batch in e)) throw new Error('copyHead: the event has no prebuilt head');
    const { heads, bytes } = e.#batch;
    const i = e.#index;
    return bytes.copy(out, at, i === 0 ? 0 : heads.ends[i - 1]!, heads.ends[i]!);
  }

  static idHash(e: MetricEvent): number {
    return #batch in e ? e.#batch.heads.idHashes[e.#index]! : murmurHash3_32(e.id);
  }
}

/** Bytes of the event's prebuilt head, or -1 if it has none. */
export const prebuiltHeadBytes = (e: MetricEvent): number => PrebuiltEvent.headBytes(e);

/** Copies the event's prebuilt head into `out` at `at`; returns its length. Only for an event prebuiltHeadBytes measured. */
export const copyPrebuiltHead = (e: MetricEvent, out: Buffer, at: number): number => PrebuiltEvent.copyHead(e, out, at);

/** The id hash the id check sends: the worker's, or computed now for an event without one. */
export const idHashOf = (e: MetricEvent): number => PrebuiltEvent.idHash(e);
