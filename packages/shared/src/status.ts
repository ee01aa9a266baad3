import type { KpiStatusName } from './kpi.ts';

/** The live state of one KPI, as evaluated over its rolling window. */
export interface KpiState {
  id: string;
  /** null when the window holds no event. */
  value: number | null;
  target: number;
  /** Percent of target met, direction-aware (lower_is_better inverts); null without a value. */
  attainment: number | null;
  status: KpiStatusName;
  /** Value of the previous, adjacent window; null when it held no event. */
  previous: number | null;
  /** Epoch ms of the newest event seen for the KPI's metric; null before the first. */
  lastEventTs: number | null;
  /** Epoch ms at which this state was computed. */
  evaluatedAt: number;
}

/** One sparkline point: [epoch ms, value or null]. */
export type SeriesPoint = [number, number | null];
