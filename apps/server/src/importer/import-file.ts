import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { IngestResponse, MetricEvent } from '@northstar/shared';
import { bearerHeader } from '../auth/secrets.ts';
import { Progress } from './progress.ts';
import { readRows } from './read-rows.ts';
import { eventLine, type ImportFormat } from './rows.ts';

export interface ImportOptions {
  file: string;
  format: ImportFormat;
  /** The running server, e.g. http://127.0.0.1:8080. */
  target: string;
  batchSize: number;
  token: string | undefined;
  /** Where the progress bar goes; tests pass a quiet stream. */
  progressOut?: NodeJS.WriteStream;
}

export interface RejectedRow {
  line: number;
  reason: string;
}

export interface ImportSummary {
  rows: number;
  sent: number;
  batches: number;
  /** Batches the server had already stored (a re-run): dropped, not counted twice. */
  duplicateBatches: number;
  rejected: RejectedRow[];
  seconds: number;
}

export class ImportSendError extends Error {
  override readonly name = 'ImportSendError';
}

/** A busy or briefly unavailable server is retried; the key makes a retry safe. */
const MAX_ATTEMPTS = 6;
const RETRY_BASE_MS = 500;

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sendBatch(opts: ImportOptions, key: string, events: MetricEvent[]): Promise<IngestResponse> {
  const body = events.map(eventLine).join('\n');
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(new URL('/api/v1/events', opts.target), {
        method: 'POST',
        headers: {
          'content-type': 'application/x-ndjson',
          'idempotency-key': key,
          ...bearerHeader(opts.token),
        },
        body,
      });
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS) throw new ImportSendError(`cannot reach ${opts.target}: ${(err as Error).message}`);
      await delay(RETRY_BASE_MS * 2 ** (attempt - 1));
      continue;
    }
    const payload = (await res.json().catch(() => ({}))) as IngestResponse & { error?: { message: string } };
    if (res.status === 202 || res.status === 200 || (res.status === 400 && Array.isArray(payload.rejected))) return payload;
    if (res.status === 503 && attempt < MAX_ATTEMPTS) {
      const retryAfterMs = Number(res.headers.get('retry-after') ?? 1) * 1000;
      await delay(Math.max(retryAfterMs, RETRY_BASE_MS * 2 ** (attempt - 1)));
      continue;
    }
    throw new ImportSendError(`the server answered ${res.status}: ${payload.error?.message ?? res.statusText}`);
  }
}

/**
 * Reads the file once to hash it, then again to validate and send: each batch of valid
 * rows goes with `Idempotency-Key: <sha256 of file>:<batch index>`, so the server stores
 * it alone under that token and a re-run of the same file stores nothing twice.
 */
export async function importFile(opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const sha = await sha256OfFile(opts.file);
  const progress = new Progress(statSync(opts.file).size, opts.progressOut);
  const summary: ImportSummary = { rows: 0, sent: 0, batches: 0, duplicateBatches: 0, rejected: [], seconds: 0 };
  let bytes = 0;
  let batch: MetricEvent[] = [];
  let lines: number[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const response = await sendBatch(opts, `${sha}:${summary.batches}`, batch);
    summary.batches++;
    if (response.duplicate) summary.duplicateBatches++;
    summary.sent += response.accepted;
    // the server validates again; anything it refuses is reported at its file line
    for (const r of response.rejected) summary.rejected.push({ line: lines[r.line - 1] ?? r.line, reason: r.reason });
    batch = [];
    lines = [];
  };
  const nowMs = Date.now();
  for await (const row of readRows(opts.file, opts.format, nowMs, (n) => (bytes += n))) {
    summary.rows++;
    if (row.ok) {
      batch.push(row.event);
      lines.push(row.line);
      if (batch.length >= opts.batchSize) await flush();
    } else summary.rejected.push({ line: row.line, reason: row.reason });
    if ((summary.rows & 1023) === 0) progress.update(bytes, summary.rows);
  }
  await flush();
  progress.update(bytes, summary.rows);
  progress.done();
  summary.rejected.sort((a, b) => a.line - b.line);
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
