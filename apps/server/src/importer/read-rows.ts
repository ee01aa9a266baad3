import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { CsvRecords } from './csv-records.ts';
import { csvRecordToInput, judge, judgeNdjsonLine, readCsvHeader, type CsvHeader, type ImportFormat, type RowResult } from './rows.ts';

/** Every row of the file, judged, in file order; `onBytes` reports progress through the file. */
export async function* readRows(
  file: string,
  format: ImportFormat,
  nowMs: number,
  onBytes: (bytes: number) => void,
): AsyncGenerator<RowResult> {
  const decoder = new StringDecoder('utf8');
  const csv = new CsvRecords();
  let header: CsvHeader | undefined;
  let pending = '';
  let line = 0;
  const csvRows = function* (records: ReturnType<CsvRecords['push']>): Generator<RowResult> {
    for (const r of records) {
      if (!header) {
        header = readCsvHeader(r.fields.map((f, i) => (i === 0 ? f.replace(/^\uFEFF/, '') : f)));
        continue;
      }
      const input = csvRecordToInput(header, r.fields);
      yield typeof input === 'string' ? { line: r.line, ok: false, reason: input } : judge(r.line, input, nowMs);
    }
  };
  const ndjsonRows = function* (text: string, final: boolean): Generator<RowResult> {
    pending += text;
    let start = 0;
    for (;;) {
      const end = pending.indexOf('\n', start);
      if (end === -1) break;
      line++;
      const raw = pending.slice(start, end).trim();
      start = end + 1;
      if (raw.length > 0) yield judgeNdjsonLine(line, raw, nowMs);
    }
    pending = pending.slice(start);
    if (final && pending.trim().length > 0) {
      line++;
      yield judgeNdjsonLine(line, pending.trim(), nowMs);
      pending = '';
    }
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const text = decoder.write(chunk as Buffer);
    if (format === 'csv') yield* csvRows(csv.push(text));
    else yield* ndjsonRows(text, false);
    onBytes((chunk as Buffer).length);
  }
  const rest = decoder.end();
  if (format === 'csv') yield* csvRows([...csv.push(rest), ...csv.end()]);
  else yield* ndjsonRows(rest, true);
}
