import type { ResolvedRange } from './range.ts';
import type { CompareKind } from './view.ts';

/** How many groups a breakdown shows before the rest is "other". */
export const BREAKDOWN_TOP = 5;

/** A preset ends at the server's now as the client estimates it; alert history looks a little past it. */
const CLOCK_SLACK_MS = 60_000;

export type ExportFormat = 'csv' | 'json';

/** The instants of one range as query parameters (epoch ms as text). */
export interface SpanQuery {
  from: string;
  to?: string;
}

/**
 * The query parameters behind one view of the history page, for the typed client (api/history.ts).
 * A preset ends at the server's now, so its requests leave `to` out (an annotation just added is in
 * range); a custom range sends both ends. No `step`: the server picks one to fit the range, so a
 * narrower zoom comes back finer.
 */
export function historyQueries(range: ResolvedRange, compare: readonly CompareKind[] = []) {
  const from = Math.floor(range.from);
  const to = Math.ceil(range.to);
  const span: SpanQuery = range.fixedEnd ? { from: String(from), to: String(to) } : { from: String(from) };
  return {
    span,
    series: compare.length > 0 ? { ...span, compare: compare.join(',') } : span,
    /** Alert history takes both ends; for a preset `to` is the client's estimate of the server's now. */
    alerts: { from: String(from), to: String(range.fixedEnd ? to : to + CLOCK_SLACK_MS) },
    breakdown: (dim: string) => ({ dim, ...span, top: String(BREAKDOWN_TOP) }),
  };
}

/** The download link of what the chart shows (the export endpoint answers with an attachment): a plain URL for an <a href>. */
export function exportPath(id: string, range: ResolvedRange, format: ExportFormat): string {
  const params = new URLSearchParams({ format, ...historyQueries(range).span });
  return `/api/v1/kpis/${encodeURIComponent(id)}/export?${params.toString()}`;
}
