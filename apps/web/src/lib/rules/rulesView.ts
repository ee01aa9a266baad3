import type { PrecisionRow } from '../api/alerts.ts';

export interface PrecisionView extends PrecisionRow {
  kpiName: string;
  /** "83 %" — or "—" before anyone said anything. */
  text: string;
  /** Fewer verdicts than this and the figure says little. */
  few: boolean;
}

/** Below this many verdicts a precision is shown as tentative. */
export const FEW_VERDICTS = 5;

/** Precision rows for the table: worst first (what needs tuning), then by detector and KPI. */
export function precisionView(rows: readonly PrecisionRow[], kpiNames: ReadonlyMap<string, string>): PrecisionView[] {
  return rows
    .map((r) => {
      const total = r.real + r.notReal;
      return {
        ...r,
        kpiName: kpiNames.get(r.kpi) ?? r.kpi,
        text: total === 0 || !Number.isFinite(r.precision) ? '—' : `${Math.round(r.precision * 100)} %`,
        few: total < FEW_VERDICTS,
      };
    })
    .sort((a, b) => a.precision - b.precision || a.detector.localeCompare(b.detector) || a.kpiName.localeCompare(b.kpiName));
}
