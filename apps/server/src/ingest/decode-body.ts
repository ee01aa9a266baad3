import { parseEvent, type MetricEvent, type RejectedLine } from '@northstar/shared';
import { jsonSyntaxError } from './json-syntax.ts';
import { MAX_EVENT_DEPTH, elementSpans } from './json-spans.ts';
import type { DecodePool } from './decode-pool.ts';
import { decodeUtf8 } from './utf8.ts';

export interface DecodedBatch {
  events: MetricEvent[];
  /** The line (NDJSON) or element number (JSON array) of each event, by index. */
  lines: number[];
  rejected: Array<RejectedLine & { raw: string }>;
}

export type BodyFormat = 'json' | 'ndjson';

/** One request may not carry more events than this, whatever its size in bytes. */
export const MAX_EVENTS_PER_REQUEST = 200_000;

export class BodyError extends Error {
  override readonly name = 'BodyError';
}

/** NDJSON: one event per line, blank lines ignored, each line judged on its own. `badLines`: lines already refused (invalid UTF-8). */
function decodeNdjson(text: string, nowMs: number, badLines?: ReadonlyMap<number, { reason: string; raw: string }>): DecodedBatch {
  const events: MetricEvent[] = [];
  const lines: number[] = [];
  const rejected: DecodedBatch['rejected'] = [];
  let line = 0;
  let start = 0;
  let seen = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line += 1;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw.length === 0) continue;
    if (++seen > MAX_EVENTS_PER_REQUEST) throw new BodyError(`more than ${MAX_EVENTS_PER_REQUEST} events in one request; split it`);
    const bad = badLines?.get(line);
    if (bad) {
      rejected.push({ line, ...bad });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      rejected.push({ line, reason: `not valid JSON (${jsonSyntaxError(raw, (err as Error).message, true)})`, raw });
      continue;
    }
    const result = parseEvent(value, nowMs);
    if (result.ok) {
      events.push(result.event);
      lines.push(line);
    } else rejected.push({ line, reason: result.reason, raw });
  }
  return { events, lines, rejected };
}

/** A JSON array: a syntax error rejects the whole body; a bad element rejects only itself. */
function decodeJsonArray(text: string, nowMs: number): DecodedBatch {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BodyError(
      `body is not valid JSON (${jsonSyntaxError(text, (err as Error).message)}); send a JSON array, or NDJSON with Content-Type: application/x-ndjson`,
    );
  }
  const items = Array.isArray(value) ? value : [value];
  if (items.length > MAX_EVENTS_PER_REQUEST) throw new BodyError(`more than ${MAX_EVENTS_PER_REQUEST} events in one request; split it`);
  // each element's own text: what a reject keeps (re-serialising it would recurse as deep as it nests)
  const spans = elementSpans(text);
  const events: MetricEvent[] = [];
  const lines: number[] = [];
  const rejected: DecodedBatch['rejected'] = [];
  items.forEach((item, i) => {
    const span = spans[i]!;
    const raw = text.slice(span.start, span.end);
    if (span.depth > MAX_EVENT_DEPTH) {
      rejected.push({
        line: i + 1,
        reason: `event nests ${span.depth} levels deep; an event is an object of fields with one level of dims`,
        raw,
      });
      return;
    }
    const result = parseEvent(item, nowMs);
    if (result.ok) {
      events.push(result.event);
      lines.push(i + 1);
    } else rejected.push({ line: i + 1, reason: result.reason, raw });
  });
  return { events, lines, rejected };
}

/** Invalid UTF-8 in NDJSON: the lines holding it are refused (with the byte offset), the others are judged as usual. */
function decodeNdjsonBytes(bytes: Uint8Array, nowMs: number): DecodedBatch {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lines: string[] = [];
  const bad = new Map<number, { reason: string; raw: string }>();
  let start = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end === -1) end = buf.length;
    const piece = buf.subarray(start, end);
    const decoded = decodeUtf8(piece);
    if (decoded.ok) lines.push(decoded.text);
    else {
      const line = lines.length + 1;
      bad.set(line, {
        reason: `not valid UTF-8: byte 0x${piece[decoded.offset]!.toString(16).padStart(2, '0')} at byte ${decoded.offset + 1} of the line (byte offset ${start + decoded.offset} in the body); send UTF-8 text`,
        raw: piece.toString('utf8'),
      });
      lines.push('invalid');
    }
    start = end + 1;
  }
  return decodeNdjson(lines.join('\n'), nowMs, bad);
}

/**
 * Decodes a body: `bytes` as received (strict UTF-8, invalid bytes named by line and
 * offset, never replaced), or text already decoded.
 */
export function decodeBody(body: string | Uint8Array, format: BodyFormat, nowMs: number): DecodedBatch {
  let text: string;
  if (typeof body === 'string') text = body;
  else {
    const decoded = decodeUtf8(body);
    if (!decoded.ok) {
      if (format === 'ndjson') return decodeNdjsonBytes(body, nowMs);
      throw new BodyError(`body is ${decoded.reason}`);
    }
    text = decoded.text;
  }
  return format === 'ndjson' ? decodeNdjson(text, nowMs) : decodeJsonArray(text, nowMs);
}

export function formatFromContentType(contentType: string | undefined): BodyFormat {
  const ct = (contentType ?? '').toLowerCase();
  return ct.includes('ndjson') || ct.includes('jsonl') || ct.includes('json-seq') ? 'ndjson' : 'json';
}

/**
 * Bodies at least this big are decoded by the decode pool (decode-pool.ts); smaller ones
 * on the calling thread, where a hand-over would cost the main thread about as much as
 * the decode it saves (bench/decode-pool.ts: 0.8× at 12 KB, 0.5× from 120 KB).
 */
export const OFF_THREAD_FROM_BYTES = 32 * 1024;

/**
 * decodeBody off the main thread, with the same result and the same BodyError for a
 * body refused as a whole. Small bodies, and any while the pool's queue is full or when
 * a worker fails, are decoded here instead: never refused for being busy.
 */
export async function decodeBodyOffThread(
  body: Uint8Array,
  format: BodyFormat,
  nowMs: number,
  /** Default: the process's pool. */
  decoder?: DecodePool,
  /** What the events will be stored as: the worker builds their insert lines for it (prebuilt-lines.ts). */
  source = 'http',
): Promise<DecodedBatch> {
  if (body.byteLength < OFF_THREAD_FROM_BYTES) return decodeBody(body, format, nowMs);
  // loaded here, not at the top: the decode worker imports this module and must not load the pool
  const pool = decoder ?? (await import('./decode-pool.ts')).sharedDecodePool();
  if (pool.full) return decodeBody(body, format, nowMs);
  let out;
  try {
    out = await pool.body(body, format, nowMs, source);
  } catch {
    // a worker that failed (out of memory, ended) must not fail the request: decode here
    return decodeBody(body, format, nowMs);
  }
  if (!out.ok) throw new BodyError(out.error);
  return out.batch;
}
