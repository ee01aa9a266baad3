import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.ts';
import { apiTokenFromEnv } from '../config/settings.ts';
import { MAX_EVENTS_PER_REQUEST } from '../ingest/decode-body.ts';
import { importFile, ImportSendError, type ImportSummary } from './import-file.ts';
import { ImportFileError, type ImportFormat } from './rows.ts';

export interface ImportCommandOptions {
  target: string;
  format?: string;
  batch: string;
}

/** Rejected rows listed one by one in the summary; the rest are counted. */
const LISTED_REJECTS = 20;

const EXTENSIONS: Record<string, ImportFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'ndjson' };

function readOptions(file: string, opts: ImportCommandOptions) {
  if (!existsSync(file) || !statSync(file).isFile()) throw new ConfigError(`import: no file "${file}"`);
  const format = (opts.format ?? EXTENSIONS[path.extname(file).toLowerCase()]) as ImportFormat | undefined;
  if (format !== 'csv' && format !== 'ndjson') {
    throw new ConfigError(`import: cannot tell the format of "${path.basename(file)}"; give --format csv or --format ndjson`);
  }
  const batchSize = Number(opts.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_EVENTS_PER_REQUEST) {
    throw new ConfigError(`option --batch: must be a whole number from 1 to ${MAX_EVENTS_PER_REQUEST}`);
  }
  if (!URL.canParse(opts.target)) throw new ConfigError(`option --target: "${opts.target}" is not a URL`);
  const target = new URL(opts.target);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new ConfigError('option --target: must be an http:// or https:// URL');
  return { format, batchSize, target: target.toString() };
}

function formatSummary(file: string, s: ImportSummary): string {
  const rate = s.seconds > 0 ? Math.round(s.sent / s.seconds) : 0;
  const out = [
    `imported ${s.sent} of ${s.rows} rows from ${path.basename(file)} in ${s.batches} batches (${s.seconds.toFixed(1)} s, ${rate} rows/s)`,
  ];
  if (s.duplicateBatches > 0)
    out.push(`${s.duplicateBatches} of the batches were already stored by an earlier run: nothing was counted twice`);
  if (s.rejected.length === 0) out.push('rejected: none');
  else {
    out.push(`rejected ${s.rejected.length} rows:`);
    for (const r of s.rejected.slice(0, LISTED_REJECTS)) out.push(`  line ${r.line}: ${r.reason}`);
    if (s.rejected.length > LISTED_REJECTS) out.push(`  … and ${s.rejected.length - LISTED_REJECTS} more`);
  }
  return out.join('\n') + '\n';
}

/**
 * `northstar import FILE`: exit 0 when something was imported, 1 when nothing could be
 * (every row rejected, an unreadable header, the server unreachable or refusing), 2 for
 * bad options (ConfigError, handled by the CLI).
 */
export async function runImportCommand(file: string, opts: ImportCommandOptions): Promise<void> {
  const { format, batchSize, target } = readOptions(file, opts);
  try {
    const summary = await importFile({ file, format, target, batchSize, token: apiTokenFromEnv() });
    process.stdout.write(formatSummary(file, summary));
    process.exitCode = summary.sent > 0 ? 0 : 1;
  } catch (err) {
    if (err instanceof ImportFileError || err instanceof ImportSendError) {
      process.stderr.write(`\nnorthstar import: ${err.message}\n`);
      if (err instanceof ImportSendError)
        process.stderr.write('batches already sent are stored; run the same import again to send the rest\n');
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
