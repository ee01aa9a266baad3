import { monthAt, periodSpan, periodUnit, spanOf, type Span, type Unit } from './calendar-periods.ts';
import { isCalendarWindow, type Aggregation, type CalendarWindow, type KpiDefinition, type PeriodTarget, type Threshold } from './kpi.ts';

/**
 * Targets in force at a point in time, and the thresholds derived from them. Pure:
 * every function takes the time it is asked about; periods are read in the KPI's
 * time zone (luxon does the calendar and DST arithmetic).
 */

export { periodSpan, type Span } from './calendar-periods.ts';

const WINDOW_UNIT = { today: 'day', week_to_date: 'week', month_to_date: 'month', quarter_to_date: 'quarter' } as const;
/** Rough lengths, only to rank units; real spans come from the calendar. */
const UNIT_RANK: Record<Unit, number> = { day: 0, week: 1, month: 2, quarter: 3, year: 4 };

/** The calendar period of a calendar window that contains `atMs`; weeks start on Monday. */
export function calendarSpan(window: CalendarWindow, timezone: string, atMs: number): Span {
  return spanOf(WINDOW_UNIT[window], timezone, atMs);
}

/** The period before `span` of the same calendar window. */
export function previousCalendarSpan(window: CalendarWindow, timezone: string, span: Span): Span {
  return calendarSpan(window, timezone, span.startMs - 1);
}

/** The month, quarter and year containing `atMs` in the zone: the periods a target can be for, most specific first. */
export function periodsAt(atMs: number, timezone: string): [month: string, quarter: string, year: string] {
  const m = monthAt(timezone, atMs);
  return [m.month, m.quarter, m.year];
}

export interface TargetInForce {
  /** The target the value is compared with over the KPI's window; null when none applies. */
  target: number | null;
  /** within_range: the band in force. */
  low: number | null;
  high: number | null;
  /** Paced targets: where the KPI should be by `atMs`; null when not paced. */
  expected: number | null;
  /** The period of the period target in force, or null for the KPI's own target. */
  period: string | null;
}

/**
 * Aggregations whose value over a calendar window grows with the window, so a target
 * for a long period can be split over shorter ones (by month phasing and time) and
 * paced. An average, a quantile, a rate or a ratio is a level: its target applies as written.
 */
const CUMULATIVE: ReadonlySet<Aggregation> = new Set(['sum', 'count', 'distinct_count']);

/** Whether a KPI accumulates through a calendar period (and so is paced and projected): one owner for the rule. */
export function isCumulative(kpi: Pick<KpiDefinition, 'ratio' | 'aggregation'>): boolean {
  return kpi.ratio === undefined && kpi.aggregation !== undefined && CUMULATIVE.has(kpi.aggregation);
}

/**
 * The amount a period target allots to one month: its `monthly` value; else an even
 * share of what `value` leaves after the listed months of its period; else nothing.
 */
function monthAmount(pt: PeriodTarget, month: string, timezone: string): number | null {
  const listed = pt.monthly?.[month];
  if (listed !== undefined) return listed;
  if (pt.value === undefined) return null;
  if (periodUnit(pt.period) === 'month') return pt.value;
  const { startMs, endMs } = periodSpan(pt.period, timezone);
  let listedSum = 0;
  let unlisted = 0;
  for (let m = monthAt(timezone, startMs); m.span.startMs < endMs; m = monthAt(timezone, m.span.endMs)) {
    const v = pt.monthly?.[m.month];
    if (v === undefined) unlisted += 1;
    else listedSum += v;
  }
  return unlisted === 0 ? 0 : (pt.value - listedSum) / unlisted;
}

/**
 * What a period target allots to [fromMs, toMs): for each month overlapping it, the
 * month's amount × the share of the month covered (by elapsed milliseconds, so a 25-hour
 * DST day weighs a little more than a 23-hour one). Null when no month has an amount.
 */
export function allottedAmount(pt: PeriodTarget, timezone: string, fromMs: number, toMs: number): number | null {
  const bounds = periodSpan(pt.period, timezone);
  const lo = Math.max(fromMs, bounds.startMs);
  const hi = Math.min(toMs, bounds.endMs);
  let total: number | null = null;
  for (let m = monthAt(timezone, lo); m.span.startMs < hi; m = monthAt(timezone, m.span.endMs)) {
    const { startMs: mStart, endMs: mEnd } = m.span;
    const covered = Math.min(hi, mEnd) - Math.max(lo, mStart);
    if (covered <= 0) continue;
    const amount = monthAmount(pt, m.month, timezone);
    if (amount === null) continue;
    total = (total ?? 0) + (amount * covered) / (mEnd - mStart);
  }
  return total;
}

/**
 * The target in force for `kpi` at `atMs`.
 *
 * - A period target whose period contains `atMs` (in the KPI's zone) wins over the
 *   KPI's own target/low/high, field by field (a period target with only a band keeps
 *   the KPI's own `target`). Most specific first: month, then quarter, then year.
 * - Cumulative KPIs (sum, count, distinct_count) on a calendar window: the target is
 *   what the period target allots to the window's current period (month phasing, else
 *   time share; see `allottedAmount`), so a quarter target of 300 on a month_to_date
 *   KPI means this month's phased share. Periods shorter than the window are skipped
 *   in favour of one that covers it, when there is one. With `pacing: linear`,
 *   `expected` is what it allots from the window's start to `atMs`: the complete
 *   months' phased values plus the current month's by elapsed time.
 * - Everything else (rolling windows, averages, quantiles, rates, ratios) is a level:
 *   the target is this month's `monthly` value when listed, else the period's `value`.
 *   Pacing does not apply (a level has no "so far"), and bands are never paced.
 */
export function targetInForce(kpi: KpiDefinition, atMs: number): TargetInForce {
  const own: TargetInForce = { target: kpi.target ?? null, low: kpi.low ?? null, high: kpi.high ?? null, expected: null, period: null };
  const targets = kpi.targets ?? [];
  if (targets.length === 0) return own;
  const periods = periodsAt(atMs, kpi.timezone);
  const matching = periods.map((p) => targets.find((t) => t.period === p)).filter((t): t is PeriodTarget => t !== undefined);
  const calendar = isCalendarWindow(kpi.window) ? kpi.window : null;
  const cumulative = calendar !== null && isCumulative(kpi);
  const windowUnit = calendar ? WINDOW_UNIT[calendar] : null;
  const pt =
    (cumulative && windowUnit ? matching.find((t) => UNIT_RANK[periodUnit(t.period)] >= UNIT_RANK[windowUnit]) : undefined) ?? matching[0];
  if (!pt) return own;

  const low = pt.low ?? own.low;
  const high = pt.high ?? own.high;
  let target: number | null;
  let expected: number | null = null;
  if (cumulative && calendar) {
    const span = calendarSpan(calendar, kpi.timezone, atMs);
    target = allottedAmount(pt, kpi.timezone, span.startMs, span.endMs);
    if (target !== null && pt.pacing === 'linear' && kpi.direction !== 'within_range') {
      expected = allottedAmount(pt, kpi.timezone, span.startMs, atMs) ?? 0;
    }
  } else {
    target = pt.monthly?.[periods[0]] ?? pt.value ?? null;
  }
  return { target: target ?? own.target, low, high, expected, period: pt.period };
}

/** Defaults for unset thresholds, as shares of the target: a little slack before "at risk", more before "off track". */
export const DEFAULT_THRESHOLD_SHARES = {
  higher_is_better: { warning: 0.9, critical: 0.75 },
  lower_is_better: { warning: 1.1, critical: 1.25 },
} as const;

/**
 * within_range: how far outside the band a value may be, as shares of the band's width.
 * Leaving the band is at once "at risk" (warning 0); more than 10 % of the width outside
 * it is "off track". A zero-width band measures from |low| instead (or 1 when low is 0).
 */
export const DEFAULT_BAND_TOLERANCE = { warning: 0, critical: 0.1 } as const;

export type Thresholds =
  | {
      kind: 'one_sided';
      direction: 'higher_is_better' | 'lower_is_better';
      /** What the value is measured against: `expected` when paced, else the target. */
      reference: number;
      warning: number;
      critical: number;
    }
  | { kind: 'band'; low: number; high: number; warningLow: number; warningHigh: number; criticalLow: number; criticalHigh: number };

function shareOf(t: Threshold, base: number): number {
  return typeof t === 'number' ? t : (base * Number.parseFloat(t)) / 100;
}

/** The width a band's tolerances are measured in. */
export function bandScale(low: number, high: number): number {
  const width = high - low;
  if (width > 0) return width;
  return Math.abs(low) > 0 ? Math.abs(low) : 1;
}

/**
 * Warning and critical values against the target in force; null when there is no
 * target (or band) to compare with, which the status shows as `no_target`.
 *
 * One-sided: "90%" is 90 % of the reference (expected when paced, else the target);
 * an absolute threshold is for the whole period and is scaled by expected/target when
 * paced, so 900 of a 1000 target means 450 by half-time. Unset: 90 %/75 % of the
 * reference when higher is better, 110 %/125 % when lower is better.
 *
 * within_range: warning and critical are distances outside the band (absolute, or "%"
 * of the band's width); see DEFAULT_BAND_TOLERANCE.
 */
export function resolveThresholds(
  kpi: Pick<KpiDefinition, 'direction' | 'warning' | 'critical'>,
  inForce: TargetInForce,
): Thresholds | null {
  if (kpi.direction === 'within_range') {
    const { low, high } = inForce;
    if (low === null || high === null) return null;
    const scale = bandScale(low, high);
    const warn = kpi.warning === undefined ? scale * DEFAULT_BAND_TOLERANCE.warning : Math.abs(shareOf(kpi.warning, scale));
    const crit = Math.max(
      warn,
      kpi.critical === undefined ? scale * DEFAULT_BAND_TOLERANCE.critical : Math.abs(shareOf(kpi.critical, scale)),
    );
    return {
      kind: 'band',
      low,
      high,
      warningLow: low - warn,
      warningHigh: high + warn,
      criticalLow: low - crit,
      criticalHigh: high + crit,
    };
  }
  const { target, expected } = inForce;
  if (target === null) return null;
  const reference = expected ?? target;
  const pace = expected !== null && target !== 0 ? expected / target : 1;
  const defaults = DEFAULT_THRESHOLD_SHARES[kpi.direction];
  const resolve = (t: Threshold | undefined, fallback: number): number =>
    t === undefined ? reference * fallback : typeof t === 'number' ? t * pace : shareOf(t, reference);
  return {
    kind: 'one_sided',
    direction: kpi.direction,
    reference,
    warning: resolve(kpi.warning, defaults.warning),
    critical: resolve(kpi.critical, defaults.critical),
  };
}

/**
 * The span around `atMs` over which `targetInForce(kpi, ·)` gives the same answer, so
 * a caller can reuse it: forever without period targets; else the month (the finest
 * target period), cut to the window's calendar period; a paced target changes all the
 * time, so its span is empty.
 */
export function targetValidity(kpi: KpiDefinition, atMs: number): Span {
  if (!kpi.targets || kpi.targets.length === 0) return { startMs: -Infinity, endMs: Infinity };
  const calendar = isCalendarWindow(kpi.window) ? kpi.window : null;
  if (calendar && kpi.targets.some((t) => t.pacing === 'linear')) return { startMs: atMs, endMs: atMs };
  const month = spanOf('month', kpi.timezone, atMs);
  if (!calendar) return month;
  const span = calendarSpan(calendar, kpi.timezone, atMs);
  return { startMs: Math.max(month.startMs, span.startMs), endMs: Math.min(month.endMs, span.endMs) };
}
