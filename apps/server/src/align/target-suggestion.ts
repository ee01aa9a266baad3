import type { Direction, SeriesPoint, TargetSuggestion } from '@northstar/shared';
import { linearFit, mean, median, quantile, type LinearFit } from './stats.ts';

/** At most this many periods back: older history describes a business that has since changed (two years of quarters). */
export const MAX_LOOKBACK_PERIODS = 8;
/** A period counts when points cover at least half of it: the median of two weeks is not a quarter's typical value. */
export const MIN_PERIOD_COVERAGE = 0.5;
/** Fewer values than this and there is no level to speak of, only a reading or two. */
export const MIN_VALUES = 3;
/** A trend needs three period values: any two lie on a line. */
export const TREND_MIN_PERIODS = 3;
/** The line must explain most of the period-to-period movement, or it is noise we would write into a target. */
export const TREND_MIN_R2 = 0.7;
/** Better-than-typical: a level the KPI already reached a quarter of the time. */
export const STRETCH_QUANTILE = 0.75;
/** within_range: the band holding 80 % of history is what "maintain" means; the middle half is the stretch. */
export const RANGE_MAINTAIN_QUANTILES = [0.1, 0.9] as const;
export const RANGE_STRETCH_QUANTILES = [0.25, 0.75] as const;
/**
 * Confidence. Four periods show whether a level holds and tell a trend from a step (a year of
 * quarters also spans the seasons); two is the least that tells a level from a blip. Gaps
 * above a tenth (a third) mean the history misses enough to hide a bad stretch. The
 * dispersion (within-period spread over the mean) of 0.2 (0.5) is where a median stops
 * (starts to stop) describing a typical day.
 */
export const CONFIDENCE = {
  high: { minPeriods: 4, maxGapShare: 0.1, maxDispersion: 0.2 },
  medium: { minPeriods: 2, maxGapShare: 0.3, maxDispersion: 0.5 },
} as const;
/** Targets are goals, not measurements: six significant digits hide float noise (139.99999999999997) without moving them. */
const SIGNIFICANT_DIGITS = 6;

export interface TargetSuggestionInput {
  /** The KPI's value at regular steps, oldest first, each labelled by its window's end; nulls are gaps. */
  points: readonly SeriesPoint[];
  /** Length of the period the target is for, e.g. a quarter. */
  periodMs: number;
  direction: Direction;
  nowMs: number;
}

export type { TargetSuggestion } from '@northstar/shared';

interface Period {
  /** 0 = the period ending at now, 1 = the one before, … */
  index: number;
  values: number[];
  slots: number;
  median: number;
}

/**
 * Proposes a "maintain" and a "stretch" target from a KPI's own history.
 *
 * History is cut into periods of `periodMs` ending at `nowMs` (period k holds points in
 * (now − (k+1)·P, now − k·P]); each counted period's typical value is its median, and a
 * line is fitted through those medians.
 * - maintain: the most recent period's median; when the trend is significant (enough
 *   periods, R² ≥ {@link TREND_MIN_R2}) and improving, the line's value one period ahead,
 *   because keeping up the momentum is the status quo. A worsening trend is never written
 *   into a target: maintain then holds the recent level.
 * - stretch: the best of maintain, the p75 (higher is better) or p25 (lower is better) of
 *   all points, and, with an improving trend, maintain plus one more period's gain.
 * - within_range: maintain and stretch are the median of history; low/high are p10/p90 and
 *   stretchLow/stretchHigh p25/p75.
 */
export function suggestTarget(input: TargetSuggestionInput): TargetSuggestion {
  const { periodMs, nowMs, direction } = input;
  if (!(periodMs > 0) || !Number.isFinite(periodMs)) throw new RangeError(`periodMs must be a positive number, got ${periodMs}`);
  const points = historyOf(input.points, nowMs, periodMs);
  const step = typicalStep(points);
  const periods = cutPeriods(points, nowMs, periodMs, step);
  const values = periods.flatMap((p) => p.values);
  const slots = periods.reduce((s, p) => s + p.slots, 0);
  const oldest = periods.at(-1);
  const basisFrom = oldest ? nowMs - (oldest.index + 1) * periodMs : nowMs;
  const days = formatNumber(periodMs / 86_400_000);

  if (periods.length === 0 || values.length < MIN_VALUES) {
    const seen = points.filter((p) => p[1] !== null).length;
    return {
      maintain: null,
      stretch: null,
      confidence: 'low',
      basis: { from: basisFrom, to: nowMs, periods: periods.length, points: values.length, method: 'none: too little history' },
      explanation:
        `Too little history to suggest a target: ${seen} value${seen === 1 ? '' : 's'} in the last ${MAX_LOOKBACK_PERIODS} periods of ${days} d; ` +
        `need at least ${MIN_VALUES} values in a period that is at least ${MIN_PERIOD_COVERAGE * 100} % covered.`,
    };
  }

  const gapShare = slots === 0 ? 0 : (slots - values.length) / slots;
  const dispersion = withinPeriodDispersion(periods);
  const confidence = confidenceOf(periods.length, gapShare, dispersion);
  const history = `${periods.length} period${periods.length === 1 ? '' : 's'} of ${days} d (${values.length} points, ${formatNumber(gapShare * 100)} % gaps)`;
  const basis = (method: string) => ({ from: basisFrom, to: nowMs, periods: periods.length, points: values.length, method });

  if (direction === 'within_range') {
    const centre = median(values) as number;
    const [lo, hi] = RANGE_MAINTAIN_QUANTILES.map((q) => round(quantile(values, q) as number));
    const [sLo, sHi] = RANGE_STRETCH_QUANTILES.map((q) => round(quantile(values, q) as number));
    return {
      maintain: round(centre),
      stretch: round(centre),
      low: lo,
      high: hi,
      stretchLow: sLo,
      stretchHigh: sHi,
      confidence,
      basis: basis('median with p10-p90 (maintain) and p25-p75 (stretch) bands of all points'),
      explanation: `From ${history}: history centres on ${round(centre)}; keep within ${lo}-${hi}, or tighten to ${sLo}-${sHi} as a stretch. Confidence ${confidence}.`,
    };
  }

  const sign = direction === 'higher_is_better' ? 1 : -1;
  const better = (a: number, b: number) => (sign * a >= sign * b ? a : b);
  const recent = periods[0]?.median as number;
  const fit = periods.length >= TREND_MIN_PERIODS ? linearFit(periods.map((p) => ({ x: -p.index, y: p.median }))) : null;
  const significant = fit !== null && fit.r2 >= TREND_MIN_R2 && fit.slope !== 0;
  const improving = significant && sign * fit.slope > 0;

  const maintain = improving ? fit.intercept + fit.slope : recent;
  const stretchQuantile = direction === 'higher_is_better' ? STRETCH_QUANTILE : 1 - STRETCH_QUANTILE;
  const percentile = quantile(values, stretchQuantile) as number;
  let stretch = better(maintain, percentile);
  if (improving) stretch = better(stretch, maintain + fit.slope);

  const pct = `p${Math.round(stretchQuantile * 100)}`;
  const trendText = describeTrend(fit, significant, improving);
  const maintainText = improving ? `continues the trend one period ahead` : `holds the recent period's median`;
  const stretchText =
    stretch === maintain
      ? `no better level in history, so stretch equals maintain`
      : improving && stretch === maintain + fit.slope
        ? `adds one more period's gain`
        : `is the ${pct} of all points`;
  return {
    maintain: round(maintain),
    stretch: round(stretch),
    confidence,
    basis: basis(
      `median per period; linear trend over period medians${significant ? '' : ' (not significant)'}; ${pct} of all points for stretch`,
    ),
    explanation:
      `From ${history}: recent level ${round(recent)}, ${trendText}. ` +
      `Maintain ${round(maintain)} ${maintainText}; stretch ${round(stretch)} ${stretchText}. Confidence ${confidence}.`,
  };
}

/** Points up to now and within the look-back, sorted, from the first value on: nulls before it are before the KPI had history, not gaps. */
function historyOf(points: readonly SeriesPoint[], nowMs: number, periodMs: number): SeriesPoint[] {
  const from = nowMs - MAX_LOOKBACK_PERIODS * periodMs;
  const inRange = points.filter(([ts]) => ts > from && ts <= nowMs).sort((a, b) => a[0] - b[0]);
  const first = inRange.findIndex(([, v]) => v !== null && Number.isFinite(v));
  return first < 0 ? [] : inRange.slice(first);
}

/** The usual spacing of points; null with fewer than two. */
function typicalStep(points: readonly SeriesPoint[]): number | null {
  const gaps: number[] = [];
  for (let i = 1; i < points.length; i++) {
    const d = (points[i] as SeriesPoint)[0] - (points[i - 1] as SeriesPoint)[0];
    if (d > 0) gaps.push(d);
  }
  return median(gaps);
}

/** Counted periods, most recent first. */
function cutPeriods(points: readonly SeriesPoint[], nowMs: number, periodMs: number, step: number | null): Period[] {
  const byIndex = new Map<number, { values: number[]; slots: number }>();
  for (const [ts, v] of points) {
    const index = Math.floor((nowMs - ts) / periodMs);
    const bucket = byIndex.get(index) ?? { values: [], slots: 0 };
    bucket.slots += 1;
    if (v !== null && Number.isFinite(v)) bucket.values.push(v);
    byIndex.set(index, bucket);
  }
  const out: Period[] = [];
  for (const [index, b] of [...byIndex].sort((a, c) => a[0] - c[0])) {
    const coverage = step === null ? 1 : (b.slots * step) / periodMs;
    if (b.values.length === 0 || coverage < MIN_PERIOD_COVERAGE) continue;
    out.push({ index, values: b.values, slots: b.slots, median: median(b.values) as number });
  }
  return out;
}

/** Root-mean-square distance of points from their period's median, over the mean: noise, with the trend taken out. */
export function withinPeriodDispersion(periods: readonly Pick<Period, 'values' | 'median'>[]): number {
  const deviations = periods.flatMap((p) => p.values.map((v) => (v - p.median) ** 2));
  const rms = Math.sqrt(mean(deviations) ?? 0);
  if (rms === 0) return 0;
  const centre = Math.abs(mean(periods.flatMap((p) => p.values)) ?? 0);
  return centre === 0 ? Number.POSITIVE_INFINITY : rms / centre;
}

export function confidenceOf(periods: number, gapShare: number, dispersion: number): TargetSuggestion['confidence'] {
  for (const level of ['high', 'medium'] as const) {
    const c = CONFIDENCE[level];
    if (periods >= c.minPeriods && gapShare <= c.maxGapShare && dispersion <= c.maxDispersion) return level;
  }
  return 'low';
}

function describeTrend(fit: LinearFit | null, significant: boolean, improving: boolean): string {
  if (fit === null) return 'too few periods for a trend';
  const perPeriod = `${fit.slope > 0 ? 'rising' : 'falling'} ${round(Math.abs(fit.slope))} per period (R² ${fit.r2.toFixed(2)})`;
  if (!significant) return `no clear trend (R² ${fit.r2.toFixed(2)})`;
  return improving ? perPeriod : `${perPeriod}, a worsening trend not written into the target`;
}

function round(v: number): number {
  return Number(v.toPrecision(SIGNIFICANT_DIGITS));
}

function formatNumber(v: number): string {
  return String(Number(v.toFixed(1)));
}
