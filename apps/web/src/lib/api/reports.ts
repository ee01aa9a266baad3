import { call, client } from './client.ts';

/** The monthly report (see apps/server/src/http/report-routes.ts). */
export const fetchMonthlyReport = (month: string, objective: string | null) =>
  call(client.api.v1.reports.monthly.$get({ query: { month, ...(objective ? { objective } : {}) } }));

/** The PDF's address, for a plain download link (the browser sends the session cookie). */
export function reportPdfHref(month: string, objective: string | null): string {
  const params = new URLSearchParams({ month, ...(objective ? { objective } : {}) });
  return `/api/v1/reports/monthly/pdf?${params.toString()}`;
}

/** The month before the one holding `nowMs` (UTC), "2026-11": the last closed month, what a report is usually for. */
export function lastMonth(nowMs: number): string {
  const d = new Date(nowMs);
  const prev = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1));
  return prev.toISOString().slice(0, 7);
}

/** A trend as an SVG polyline in a w×h box (null points break nothing: they are left out). */
export function trendPath(points: ReadonlyArray<readonly [number, number | null]>, target: number | null, w: number, h: number) {
  const values = points.map(([, v]) => v).filter((v): v is number => v !== null);
  if (values.length === 0) return { line: '', targetY: null as number | null };
  const all = target === null ? values : [...values, target];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const y = (v: number) => +(h - 2 - ((v - lo) / (hi - lo || 1)) * (h - 4)).toFixed(1);
  const n = Math.max(1, points.length - 1);
  const line = points
    .map(([, v], i) => (v === null ? null : `${+((i / n) * w).toFixed(1)},${y(v)}`))
    .filter((p) => p !== null)
    .join(' ');
  return { line, targetY: target === null ? null : y(target) };
}
