import type { KpiStatusName } from './kpi.ts';
import type { SeriesPoint } from './status.ts';

/**
 * The end-of-period projection of a KPI on a calendar window: one computation, used by the
 * pacing alert rule (its condition compares `projectedEndValue` with the target) and by the
 * evaluator, which puts the projection and its band in the KPI's state for the wall's tiles
 * and the KPI chart. Pure: the caller passes the time.
 */

/**
 * A projection from the first tenth of a period is mostly noise (one slow Monday morning
 * extrapolates to a missed month): before then pacing rules stay quiet and no tile shows one.
 */
export const PACING_MIN_ELAPSED_SHARE = 0.1;

/** The band is where the end value lands 9 times in 10 if the rest of the period is paced like the part gone (z of a two-sided 90 % interval). */
export const PROJECTION_BAND_Z = 1.645;

/** Fewer slot increments than this say too little about how the pace varies to draw a band. */
export const PROJECTION_MIN_INCREMENTS = 3;

/** What the wall is told about a cumulative calendar KPI's end of period. */
export interface KpiProjection {
  /** The value projected at the period's end. */
  value: number;
  /** The band around it (90 %): low ≤ value ≤ high. */
  low: number;
  high: number;
  /** When the period ends (exclusive), epoch ms: the chart draws the projection to here. */
  endMs: number;
  /** The projection against the period's target, by the same thresholds as the tile's status. */
  status: KpiStatusName;
}

export interface PaceInput {
  /** The value so far in the period. */
  value: number;
  /** The period's target, and (paced target) where the KPI should be by now; null when none. */
  target: number | null;
  expected: number | null;
  /** Share of the period elapsed, in (0, 1]. */
  elapsedShare: number;
  /** sum, count or distinct_count: grows through the period. Anything else is a level. */
  cumulative: boolean;
}

/**
 * The end-of-period value from the pace so far.
 * - Cumulative KPIs: when the target is paced (`expected` set), value × target / expected,
 *   which follows the target's own phasing; otherwise value / elapsed share of the period
 *   (by milliseconds, so DST days weigh their real length).
 * - Levels (averages, ratios, rolling windows): the current value.
 */
export function projectedEndValue(p: PaceInput): number {
  if (!p.cumulative) return p.value;
  if (p.expected !== null && p.expected > 0 && p.target !== null) return (p.value * p.target) / p.expected;
  return p.value / Math.min(1, p.elapsedShare);
}

/**
 * The spread of the pace: the standard deviation of the KPI's growth per sparkline slot in
 * the current period (the sparkline is the value at the end of each slot). Null with fewer
 * than PROJECTION_MIN_INCREMENTS increments.
 */
export function slotIncrementSd(spark: readonly SeriesPoint[], periodStartMs: number): number | null {
  const incs: number[] = [];
  let prev: number | null = null;
  for (const [t, v] of spark) {
    if (t <= periodStartMs || v === null) {
      prev = null;
      continue;
    }
    if (prev !== null) incs.push(v - prev);
    prev = v;
  }
  if (incs.length < PROJECTION_MIN_INCREMENTS) return null;
  const mean = incs.reduce((s, x) => s + x, 0) / incs.length;
  const variance = incs.reduce((s, x) => s + (x - mean) ** 2, 0) / (incs.length - 1);
  return Math.sqrt(variance);
}

export interface ProjectionInput extends Omit<PaceInput, 'elapsedShare' | 'cumulative'> {
  startMs: number;
  endMs: number;
  nowMs: number;
  /** See slotIncrementSd; null when unknown. */
  slotSd: number | null;
  slotMs: number;
}

/**
 * The projection and its band, or null when there is none to show: not yet a tenth into the
 * period, or too few slots to say how the pace varies. The rest of the period is taken as
 * remaining slots of independent growth, so the band's half-width is z × sd × √(slots left):
 * wide early, closing to the value itself at the period's end. Never below what is already
 * counted (a cumulative KPI does not shrink). Cumulative KPIs only: a level's "projection" is
 * its current value, which the tile already shows.
 */
export function projectPeriodEnd(p: ProjectionInput): Omit<KpiProjection, 'status'> | null {
  const elapsedShare = (p.nowMs - p.startMs) / (p.endMs - p.startMs);
  if (elapsedShare < PACING_MIN_ELAPSED_SHARE || p.slotSd === null) return null;
  const value = projectedEndValue({ ...p, elapsedShare, cumulative: true });
  const slotsLeft = Math.max(0, p.endMs - p.nowMs) / p.slotMs;
  const half = PROJECTION_BAND_Z * p.slotSd * Math.sqrt(slotsLeft);
  return { value, low: Math.min(value, Math.max(p.value, value - half)), high: value + half, endMs: p.endMs };
}
