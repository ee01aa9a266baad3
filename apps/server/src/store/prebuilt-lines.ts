import type { MetricEvent } from '@northstar/shared';
import { murmurHash3_32 } from './murmur3.ts';

/**
 * What a decode worker prepares for a batch's write besides the events themselves, so the
 * main thread does not (issue 16): the batch's insert body (event-lines.ts, one line per
 * event, built by the same functions the main thread uses) and the id hash of each event
 * that the id check sends (event-store.ts). Plain typed arrays: their buffers are moved to
 * the main thread, not copied.
 */
export interface PrebuiltLines {
  /** Every event's line, UTF-8, back to back. */
  bytes: Uint8Array<ArrayBuffer>;
  /** Where each event's line ends in `bytes`; it starts where the previous one ends (0 for the first). */
  ends: Uint32Array<ArrayBuffer>;
  /** murmurHash3_32 of each event's id. */
  idHashes: Uint32Array<ArrayBuffer>;
  /** The source the lines name, as JSON text (`"http"`); a write for another source builds its own tails. */
  src: string;
  /**
   * The receive time the lines were built with, as text. A write whose receive time has as
   * many characters (every Date.now() until 2286) overwrites it in place; another builds
   * its own tail.
   */
  stamp: string;
  /** Bytes of each line's tail (`,"source":…,"received_at":…}\n`), the same for every line. */
  tailBytes: number;
}

/** The buffers to move (not copy) between threads. */
export const prebuiltBuffers = (p: PrebuiltLines): ArrayBuffer[] => [p.bytes.buffer, p.ends.buffer, p.idHashes.buffer];

/** One batch's prebuilt lines, ready to copy from. */
export interface LinesBatch {
  lines: PrebuiltLines;
  /** `lines.bytes` as a Buffer, made once per batch, for Buffer.copy. */
  bytes: Buffer;
}

/** `lines` of a batch of `events` events, checked to be one per event. */
export function linesBatch(lines: PrebuiltLines, events: number): LinesBatch {
  if (lines.ends.length !== events || lines.idHashes.length !== events) {
    throw new Error(`${events} events but ${lines.ends.length} prebuilt lines and ${lines.idHashes.length} id hashes`);
  }
  return { lines, bytes: Buffer.from(lines.bytes.buffer, lines.bytes.byteOffset, lines.bytes.byteLength) };
}

/** Where an event's prebuilt line is: its batch and the line's [start, end) in the batch's bytes. */
export interface LineAt {
  batch: LinesBatch;
  /** The event's index in its batch. */
  index: number;
  start: number;
  end: number;
}

/**
 * An event decoded off the main thread, with its prebuilt line and id hash. The link is
 * private: it is not one of the event's fields (equality, JSON and spreads do not see it),
 * and a copy (`{ ...e }`) or an event made any other way has none, so its line is built
 * from its fields. Events are not modified after decoding; a prebuilt line could not
 * follow that.
 */
export class PrebuiltEvent implements MetricEvent {
  metric: string;
  value: number;
  ts: number;
  id: string;
  dims: Record<string, string>;
  readonly #batch: LinesBatch;
  readonly #index: number;

  constructor(metric: string, value: number, ts: number, id: string, dims: Record<string, string>, batch: LinesBatch, index: number) {
    this.metric = metric;
    this.value = value;
    this.ts = ts;
    this.id = id;
    this.dims = dims;
    this.#batch = batch;
    this.#index = index;
  }

  static lineAt(e: MetricEvent, into: LineAt): boolean {
    if (!(#batch in e)) return false;
    const i = e.#index;
    const { ends } = e.#batch.lines;
    into.batch = e.#batch;
    into.index = i;
    into.start = i === 0 ? 0 : ends[i - 1]!;
    into.end = ends[i]!;
    return true;
  }

  static idHash(e: MetricEvent): number {
    return #batch in e ? e.#batch.lines.idHashes[e.#index]! : murmurHash3_32(e.id);
  }
}

/** Fills `into` with where the event's prebuilt line is (no allocation per event); false if it has none. */
export const prebuiltLineAt = (e: MetricEvent, into: LineAt): boolean => PrebuiltEvent.lineAt(e, into);

/** The id hash the id check sends: the worker's, or computed now for an event without one. */
export const idHashOf = (e: MetricEvent): number => PrebuiltEvent.idHash(e);
