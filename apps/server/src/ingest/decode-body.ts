import { parseEvent, type MetricEvent, type RejectedLine } from '@northstar/shared';
import { jsonSyntaxError } from './json-syntax.ts';

export interface DecodedBatch {
  events: MetricEvent[];
  rejected: Array<RejectedLine & { raw: string }>;
}

export type BodyFormat = 'json' | 'ndjson';

/** One request may not carry more events than this, whatever its size in bytes. */
export const MAX_EVENTS_PER_REQUEST = 200_000;

export class BodyError extends Error {
  override readonly name = 'BodyError';
}

/** NDJSON: one event per line, blank lines ignored, each line judged on its own. */
function decodeNdjson(text: string, nowMs: number): DecodedBatch {
  const events: MetricEvent[] = [];
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
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      rejected.push({ line, reason: `not valid JSON (${jsonSyntaxError(raw, (err as Error).message, true)})`, raw });
      continue;
    }
    const result = parseEvent(value, nowMs);
    if (result.ok) events.push(result.event);
    else rejected.push({ line, reason: result.reason, raw });
  }
  return { events, rejected };
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
  const events: MetricEvent[] = [];
  const rejected: DecodedBatch['rejected'] = [];
  items.forEach((item, i) => {
    const result = parseEvent(item, nowMs);
    if (result.ok) events.push(result.event);
    else rejected.push({ line: i + 1, reason: result.reason, raw: JSON.stringify(item) ?? String(item) });
  });
  return { events, rejected };
}

export function decodeBody(text: string, format: BodyFormat, nowMs: number): DecodedBatch {
  return format === 'ndjson' ? decodeNdjson(text, nowMs) : decodeJsonArray(text, nowMs);
}

export function formatFromContentType(contentType: string | undefined): BodyFormat {
  const ct = (contentType ?? '').toLowerCase();
  return ct.includes('ndjson') || ct.includes('jsonl') || ct.includes('json-seq') ? 'ndjson' : 'json';
}
