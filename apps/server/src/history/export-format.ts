import type { ExportRow, SeriesPoint, TargetPoint } from '@northstar/shared';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CSV_COLUMNS: Array<keyof ExportRow> = ['ts', 'value', 'target', 'low', 'high'];

/** Points and the target in force at each, as rows with ISO 8601 UTC timestamps. */
export function exportRows(points: readonly SeriesPoint[], targets: readonly TargetPoint[]): ExportRow[] {
  return points.map(([ts, value], i) => {
    const t = targets[i];
    return { ts: new Date(ts).toISOString(), value, target: t?.[1] ?? null, low: t?.[2] ?? null, high: t?.[3] ?? null };
  });
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, and its quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header row, then one row per point; CRLF line ends, as RFC 4180 has them. */
export function toCsv(rows: readonly ExportRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((c) => csvField(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A file name that says what is in it, safe in a Content-Disposition header. */
export function exportFileName(kpiId: string, fromMs: number, toMs: number, format: ExportFormat): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[:]/g, '');
  return `${kpiId.replace(/[^a-z0-9_.-]/g, '_')}_${day(fromMs)}_${day(toMs)}.${format}`;
}
