import type { MetricEvent } from '@northstar/shared';
import { inLoopSlices } from './loop-slices.ts';
import { murmurHash3_32 } from './murmur3.ts';
import { prebuiltLineAt, type LineAt, type LinesBatch, type PrebuiltLines } from './prebuilt-lines.ts';

/** The columns of an events insert, in the order each line holds them. */
export const EVENT_COLUMNS = ['metric', 'ts', 'value', 'id', 'dims', 'source', 'received_at'] as const;

/**
 * The insert body is one JSONEachRow line per event, built once into bytes the engine
 * parses itself (chdb's multithreaded parser, or the ClickHouse server's). A line is the
 * event's head (this function: what the event alone decides) and a tail (`lineTail`: the
 * source and receive time, which the write decides). A decode worker builds the lines
 * ahead with these same functions (prebuilt-lines.ts), so a line's bytes do not depend on
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
 * Lines [from, to). A decode worker's lines (prebuilt-lines.ts) are copied as slices, one
 * per run of consecutive lines of one batch, and their receive time overwritten in the
 * copy; rows left out of a write (repeats, refused rows) are simply not in `events`, so
 * their lines are skipped. An event without a prebuilt line (decoded here, or a copy) gets
 * one built by eventHead and lineTail, the functions the worker used: the bytes are the same
 * either way.
 */
function linesBytes(
  events: readonly MetricEvent[],
  from: number,
  to: number,
  src: string,
  now: number,
  receivedAt: ReceivedAt | undefined,
): Buffer {
  const line: LineAt = { batch: undefined as unknown as LinesBatch, index: 0, start: 0, end: 0 };
  const tailBound = Buffer.byteLength(lineTail(src, 0)) + MAX_NUMBER_CHARS;
  let bound = 0;
  let prebuilt = 0;
  let built: Array<string | undefined> | undefined;
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (prebuiltLineAt(e, line) && line.batch.lines.src === src) {
      // its own tail may replace the prebuilt one (a receive time of another length)
      bound += line.end - line.start + MAX_NUMBER_CHARS;
      prebuilt++;
    } else {
      const head = eventHead(e);
      (built ??= new Array<string | undefined>(to - from))[i - from] = head;
      // at most 3 UTF-8 bytes per UTF-16 unit
      bound += 3 * head.length + tailBound;
    }
  }
  if (prebuilt === 0) {
    // nothing to copy: one string, encoded once (cheaper than a write per line)
    let text = '';
    for (let i = from; i < to; i++) text += built![i - from]! + lineTail(src, receivedAt?.(events[i]!) ?? now);
    return Buffer.from(text);
  }

  const out = Buffer.allocUnsafe(bound);
  let at = 0;
  // the run: lines [runFirst, runLast] of one batch, all with the receive time `runStamp`, copied as one slice
  let run: LinesBatch | undefined;
  let runFirst = 0;
  let runLast = 0;
  let runStamp = Buffer.alloc(0);
  const flush = () => {
    if (!run) return;
    const { bytes, lines } = run;
    const start = runFirst === 0 ? 0 : lines.ends[runFirst - 1]!;
    const copied = bytes.copy(out, at, start, lines.ends[runLast]!);
    // each line's receive time is the last digits before its `}\n`
    const n = runStamp.length;
    for (let k = runFirst; k <= runLast; k++) {
      // a byte loop: a TypedArray set() call per line cost several times more
      const slot = at + lines.ends[k]! - start - 2 - n;
      for (let d = 0; d < n; d++) out[slot + d] = runStamp[d]!;
    }
    at += copied;
    run = undefined;
  };
  // most lines of a batch share their receive time: its text and tail are made once
  let stampFor = Number.NaN;
  let stamp = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    const received = receivedAt?.(e) ?? now;
    if (received !== stampFor) {
      stampFor = received;
      stamp = Buffer.from(String(received), 'latin1');
      tail = Buffer.from(lineTail(src, received));
    }
    const head = built?.[i - from];
    if (head !== undefined) {
      flush();
      at += out.write(head, at);
      at += tail.copy(out, at);
      continue;
    }
    prebuiltLineAt(e, line);
    const batch = line.batch;
    if (stamp.length !== batch.lines.stamp.length) {
      // a receive time of another length: the prebuilt head with a tail of its own
      flush();
      at += batch.bytes.copy(out, at, line.start, line.end - batch.lines.tailBytes);
      at += tail.copy(out, at);
    } else if (run === batch && runLast === line.index - 1 && runStamp === stamp) runLast = line.index;
    else {
      flush();
      run = batch;
      runFirst = runLast = line.index;
      runStamp = stamp;
    }
  }
  flush();
  return out.subarray(0, at);
}

/**
 * What a decode worker builds for a batch of decoded events (prebuilt-lines.ts): every
 * line, by eventHead and lineTail, for `source` and the receive time `now` (a write
 * overwrites it with its own), as one UTF-8 buffer with each line's end, and every id's hash.
 */
export function buildLines(events: readonly MetricEvent[], source: string, now: number): PrebuiltLines {
  const src = JSON.stringify(source);
  const tail = lineTail(src, now);
  const tailBytes = Buffer.byteLength(tail);
  const n = events.length;
  const ends = new Uint32Array(n);
  const idHashes = new Uint32Array(n);
  let text = '';
  let size = 0;
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    const head = eventHead(e);
    text += head + tail;
    size += Buffer.byteLength(head) + tailBytes;
    ends[i] = size;
    idHashes[i] = murmurHash3_32(e.id);
  }
  // a fresh ArrayBuffer, never a slice of Node's shared pool: it is moved to the main thread
  const bytes = new Uint8Array(new ArrayBuffer(size));
  const written = Buffer.from(bytes.buffer).write(text);
  if (written !== size) throw new Error(`lines: wrote ${written} bytes of ${size}`);
  return { bytes, ends, idHashes, src, stamp: String(now), tailBytes };
}
