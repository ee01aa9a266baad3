import { parseEvent, type MetricEvent } from '@northstar/shared';
import { jsonSyntaxError } from '../ingest/json-syntax.ts';

export type ImportFormat = 'csv' | 'ndjson';

/** A row judged as live ingest judges an event: the same parseEvent. */
export type RowResult = { line: number; ok: true; event: MetricEvent } | { line: number; ok: false; reason: string };

export class ImportFileError extends Error {
  override readonly name = 'ImportFileError';
}

const FIXED_COLUMNS = new Set(['metric', 'value', 'ts', 'id']);
const DIM_PREFIX = 'dim.';
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface CsvHeader {
  columns: string[];
  dims: Array<[index: number, name: string]>;
}

/** metric,value,ts,id,dim.<name>…: metric and value required, the rest optional, in any order. */
export function readCsvHeader(fields: string[]): CsvHeader {
  const columns = fields.map((f) => f.trim());
  const unknown = columns.filter((c) => !FIXED_COLUMNS.has(c) && !(c.startsWith(DIM_PREFIX) && c.length > DIM_PREFIX.length));
  if (unknown.length > 0) {
    throw new ImportFileError(
      `header: unknown column(s) ${unknown.map((c) => `"${c.slice(0, 40)}"`).join(', ')}; use metric,value,ts,id,dim.<name>`,
    );
  }
  for (const required of ['metric', 'value']) {
    if (!columns.includes(required)) throw new ImportFileError(`header: the "${required}" column is missing`);
  }
  const dups = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (dups.length > 0) throw new ImportFileError(`header: column "${dups[0]}" appears twice`);
  return {
    columns,
    dims: columns.flatMap((c, i) => (c.startsWith(DIM_PREFIX) ? [[i, c.slice(DIM_PREFIX.length)] as [number, string]] : [])),
  };
}

/**
 * A CSV record as the event JSON a producer would have sent: numbers where the text is a
 * number (else the text, which validation then rejects with its reason), empty cells left out.
 */
export function csvRecordToInput(header: CsvHeader, fields: string[]): Record<string, unknown> | string {
  if (fields.length !== header.columns.length) return `has ${fields.length} fields, the header has ${header.columns.length}`;
  const input: Record<string, unknown> = {};
  header.columns.forEach((column, i) => {
    const text = (fields[i] as string).trim();
    if (text === '' || column.startsWith(DIM_PREFIX)) return;
    if (column === 'value') input.value = NUMBER_TEXT.test(text) ? Number(text) : text;
    else if (column === 'ts') input.ts = /^\d+$/.test(text) ? Number(text) : text;
    else input[column] = text;
  });
  const dims: Record<string, string> = {};
  for (const [i, name] of header.dims) {
    const text = fields[i] as string;
    if (text !== '') dims[name] = text;
  }
  if (Object.keys(dims).length > 0) input.dims = dims;
  return input;
}

export function judge(line: number, input: unknown, nowMs: number): RowResult {
  const result = parseEvent(input, nowMs);
  return result.ok ? { line, ok: true, event: result.event } : { line, ok: false, reason: result.reason };
}

export function judgeNdjsonLine(line: number, text: string, nowMs: number): RowResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { line, ok: false, reason: `not valid JSON (${jsonSyntaxError(text, (err as Error).message, true)})` };
  }
  return judge(line, value, nowMs);
}

/** The event as sent to the server: what parseEvent kept, timestamps as epoch ms. */
export function eventLine(e: MetricEvent): string {
  return JSON.stringify({
    metric: e.metric,
    value: e.value,
    ts: e.ts,
    ...(e.id ? { id: e.id } : {}),
    ...(Object.keys(e.dims).length > 0 ? { dims: e.dims } : {}),
  });
}
