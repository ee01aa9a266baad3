import type { KpiStatusName } from './kpi.ts';
import type { KpiProjection } from './projection.ts';

/** The live state of one KPI, as evaluated over its window against the target in force. */
export interface KpiState {
  id: string;
  /** null when the window holds no event (or a ratio's denominator is zero). */
  value: number | null;
  /** The target in force now (the period target, or the KPI's own); null when it has none. */
  target: number | null;
  /** within_range: the band in force now; null otherwise. */
  targetLow: number | null;
  targetHigh: number | null;
  /** Where the KPI should be by now when its target is paced within a calendar period; else null. */
  expected: number | null;
  /** The period whose target is in force ("2026-Q4"), or null for the KPI's own target. */
  period: string | null;
  /** Percent of target met, direction-aware (lower_is_better inverts); null without a value or target. */
  attainment: number | null;
  /** Measured: the value against its thresholds. Screens show kpiHealth(), which adds firing alerts. */
  status: KpiStatusName;
  /**
   * distinct_count only: true when the live count reached its memory bound and `value` is
   * a lower bound (screens print "≥ value"); absent otherwise.
   */
  lowerBound?: boolean;
  /**
   * History is being loaded for this KPI: events keep arriving but are well behind the clock
   * (a backfill, an import, a consumer working off its lag). An empty window then means
   * "loading", not "no data": tiles say so and no-data alerts wait. Absent otherwise.
   */
  catchingUp?: boolean;
  /** Value of the previous, adjacent window; null when it held no event. */
  previous: number | null;
  /**
   * Cumulative KPIs on a calendar window with a target: the end-of-period value projected
   * from the pace so far, its band and its status (shared/projection.ts); absent otherwise,
   * and before a tenth of the period has passed.
   */
  projection?: KpiProjection | null;
  /** Epoch ms of the newest event seen for the KPI's metric(s); null before the first. */
  lastEventTs: number | null;
  /** Epoch ms at which this state was computed. */
  evaluatedAt: number;
  /**
   * The anomaly detectors' latest word on this KPI; null before its first step or when detection is off.
   * `flag`: an anomaly episode is under way (from its alarm until the series is normal again), `score` its peak.
   * `learning`: too little history yet for a calibrated score (nothing is flagged but missing data).
   */
  anomaly?: {
    score: number;
    lower: number | null;
    upper: number | null;
    flag: boolean;
    detector: string | null;
    learning?: boolean;
  } | null;
}

/** An objective's health, rolled up from its KPIs and child objectives. */
export interface ObjectiveState {
  id: string;
  /** Weighted (or weakest, per the objective's rule) attainment in percent; null when nothing below has one. */
  attainment: number | null;
  status: KpiStatusName;
  /** KPIs at or below this objective that are at_risk or off_track: why it is marked. */
  troubled: string[];
  /** KPIs linked directly or through child objectives. */
  kpiCount: number;
  /** Why it shows this status, from the status model (status-model.ts objectiveHealth); null or absent when all is well. */
  reason?: string | null;
}

/** One sparkline point: [epoch ms, value or null]. */
export type SeriesPoint = [number, number | null];
