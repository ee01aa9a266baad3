import type { ResolvedRange } from './range.ts';
import type { CompareKind } from './view.ts';

/** How many groups a breakdown shows before the rest is "other". */
export const BREAKDOWN_TOP = 5;

/** A preset ends at the server's now as the client estimates it; alert history looks a little past it. */
const CLOCK_SLACK_MS = 60_000;

export type ExportFormat = 'csv' | 'json';

/**
 * The API paths behind one view of the history page. A preset ends at the server's now, so its
 * requests leave `to` out (an annotation just added is in range); a custom range sends both ends.
 * No `step`: the server picks one to fit the range, so a narrower zoom comes back finer.
 */
export function historyPaths(id: string, range: ResolvedRange, compare: readonly CompareKind[] = []) {
  const kpi = encodeURIComponent(id);
  const from = Math.floor(range.from);
  const to = Math.ceil(range.to);
  const span = range.fixedEnd ? `from=${from}&to=${to}` : `from=${from}`;
  const comparison = compare.length > 0 ? `&compare=${compare.join(',')}` : '';
  return {
    kpi: `/api/v1/kpis/${kpi}`,
    series: `/api/v1/kpis/${kpi}/series?${span}${comparison}`,
    annotations: `/api/v1/annotations?kpi=${kpi}&${span}`,
    checkins: `/api/v1/checkins?kind=kpi&id=${kpi}&${span}`,
    /** Alert history takes both ends; for a preset `to` is the client's estimate of the server's now. */
    alerts: `/api/v1/alerts/history?kpi=${kpi}&from=${from}&to=${range.fixedEnd ? to : to + CLOCK_SLACK_MS}`,
    dimensions: `/api/v1/kpis/${kpi}/dimensions?${span}`,
    breakdown: (dim: string) => `/api/v1/kpis/${kpi}/breakdown?dim=${encodeURIComponent(dim)}&${span}&top=${BREAKDOWN_TOP}`,
    export: (format: ExportFormat) => `/api/v1/kpis/${kpi}/export?format=${format}&${span}`,
  };
}
