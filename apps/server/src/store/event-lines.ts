import type { MetricEvent } from '@northstar/shared';
import { inLoopSlices } from './loop-slices.ts';
import { murmurHash3_32 } from './murmur3.ts';
import { copyPrebuiltHead, prebuiltHeadBytes, type LineHeads } from './prebuilt-heads.ts';

/** The columns of an events insert, in the order each line holds them. */
export const EVENT_COLUMNS = ['metric', 'ts', 'value', 'id', 'dims', 'source', 'received_at'] as const;

/**
 * The insert body is one JSONEachRow line per event, built once into bytes the engine
 * parses itself (chdb's multithreaded parser, or the ClickHouse server's). A line is the
 * event's head (this function: what the event alone decides) and a tail (`lineTail`: the
 * source and receive time, which the write decides). A decode worker builds the heads
 * ahead with this same function (prebuilt-heads.ts), so a line's bytes do not depend on
 * which thread decoded its event.
 *
 * Strings go through JSON.stringify (ids and dimension values are producers' text); the
 * numbers are written as they are, which is what JSON.stringify would write for a finite
 * number (a non-finite one becomes null, which the store refuses as it always did).
 */
export function eventHead(e: MetricEvent): string {
  const value = Number.isFinite(e.value) ? e.value : 'null';
  return `{"metric":${JSON.stringify(e.metric)},"ts":${e.ts},"value":${value},"id":${JSON.stringify(e.id)},"dims":${JSON.stringify(e.dims)}`;
}

/** The rest of a line after its head; `src` is the source as JSON text. */
function lineTail(src: string, receivedAt: number): string {
  return `,"source":${src},"received_at":${receivedAt}}\n`;
}

/** The longest text of a number (`-1.2345678901234567e-308`), so a tail's size is bounded before it is built. */
const MAX_NUMBER_CHARS = 24;

type ReceivedAt = (e: MetricEvent) => number | undefined;

/** The insert body for `events`, each line with `source` and its receive time (`receivedAt`, else `now`). */
export function eventLines(events: readonly MetricEvent[], source: string, now: number, receivedAt?: ReceivedAt): Buffer {
  return linesBytes(events, 0, events.length, JSON.stringify(source), now, receivedAt);
}

/** The same bytes, built a slice of events at a time with the event loop let run between slices (loop-slices.ts). */
export async function eventLinesSliced(
  events: readonly MetricEvent[],
  source: string,
  now: number,
  receivedAt?: ReceivedAt,
): Promise<Buffer> {
  const src = JSON.stringify(source);
  const parts: Buffer[] = [];
  await inLoopSlices(events.length, (from, to) => parts.push(linesBytes(events, from, to, src, now, receivedAt)));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * Lines [from, to). Heads a decode worker built are copied as bytes (no string is made for
 * them); an event without one (decoded here, or a copy) gets its head built by eventHead.
 * Rows left out of a batch (repeats, refused rows) are simply not in `events`: their
 * prebuilt heads are skipped, nothing is rebuilt.
 */
function linesBytes(
  events: readonly MetricEvent[],
  from: number,
  to: number,
  src: string,
  now: number,
  receivedAt: ReceivedAt | undefined,
): Buffer {
  let bound = 0;
  let prebuilt = 0;
  let built: Array<string | undefined> | undefined;
  for (let i = from; i < to; i++) {
    const n = prebuiltHeadBytes(events[i]!);
    if (n >= 0) {
      bound += n;
      prebuilt++;
    } else {
      const head = eventHead(events[i]!);
      (built ??= new Array<string | undefined>(to - from))[i - from] = head;
      // at most 3 UTF-8 bytes per UTF-16 unit
      bound += 3 * head.length;
    }
  }
  if (prebuilt === 0) {
    // nothing to copy: one string, encoded once (cheaper than a write per line)
    let text = '';
    for (let i = from; i < to; i++) text += built![i - from]! + lineTail(src, receivedAt?.(events[i]!) ?? now);
    return Buffer.from(text);
  }
  bound += (to - from) * Buffer.byteLength(lineTail(src, 0)) + (to - from) * MAX_NUMBER_CHARS;
  const out = Buffer.allocUnsafe(bound);
  let at = 0;
  // most lines of a batch share their receive time: one tail's bytes, copied
  let tailFor = Number.NaN;
  let tail = Buffer.alloc(0);
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    const head = built?.[i - from];
    at += head === undefined ? copyPrebuiltHead(e, out, at) : out.write(head, at);
    const stamp = receivedAt?.(e) ?? now;
    if (stamp !== tailFor) {
      tail = Buffer.from(lineTail(src, stamp));
      tailFor = stamp;
    }
    at += tail.copy(out, at);
  }
  return out.subarray(0, at);
}

/**
 * What a decode worker builds for a batch of decoded events (prebuilt-heads.ts): every
 * head by eventHead, as one UTF-8 buffer with each head's end, and every id's hash.
 */
export function buildHeads(events: readonly MetricEvent[]): LineHeads {
  const n = events.length;
  const ends = new Uint32Array(n);
  const idHashes = new Uint32Array(n);
  let text = '';
  let size = 0;
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const head = eventHead(e);
    text += head;
    size += Buffer.byteLength(head);
    ends[i] = size;
    idHashes[i] = murmurHash3_32(e.id);
  }
  // a fresh ArrayBuffer, never a slice of Node's shared pool: it is moved to the main thread
  const bytes = new Uint8Array(new ArrayBuffer(size));
  const written = Buffer.from(bytes.buffer).write(text);
  if (written !== size) throw new Error(`heads: wrote ${written} bytes of ${size}`);
  return { bytes, ends, idHashes };
}
