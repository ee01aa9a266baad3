import { DateTime } from 'luxon';

/**
 * Calendar periods in a time zone, remembered. The wall asks for the same day, month and
 * quarter of every KPI on every tick (targets in force, pacing, alert conditions), and each
 * answer from luxon walks the zone's offsets through Intl: it was most of an idle server's
 * CPU and 4–7 % of the main thread while ingesting. A period's answer holds for every
 * instant inside it, so the last few periods per unit and zone are kept and reused for any
 * instant inside one of them (a few, not one: pacing walks the months of a quarter while the
 * tick asks for the current month, and one slot would be overwritten every time).
 */

/** [startMs, endMs): a calendar period. */
export interface Span {
  readonly startMs: number;
  readonly endMs: number;
}

export type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';

/** A month and its label ("2026-11"), the quarter ("2026-Q4") and year ("2026") it is in. */
export interface MonthAt {
  readonly span: Span;
  readonly month: string;
  readonly quarter: string;
  readonly year: string;
}

/** Periods kept per unit and zone: a year's months and its neighbours' edges. */
const RECENT = 16;
/** Keyed by unit and zone: bounded by the zones KPIs name (a few hundred at most) × 5 units. */
const recentSpans = new Map<string, Span[]>();
const recentMonths = new Map<string, MonthAt[]>();
/** Keyed by period label and zone; cleared when it outgrows PERIOD_SPANS_MAX (labels come from configuration). */
const periodSpans = new Map<string, Span>();
const PERIOD_SPANS_MAX = 4096;

function inside(span: Span, atMs: number): boolean {
  return atMs >= span.startMs && atMs < span.endMs;
}

function remember<T>(map: Map<string, T[]>, key: string, value: T): T {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else {
    if (list.length >= RECENT) list.pop();
    list.unshift(value);
  }
  return value;
}

/**
 * The `unit` containing `atMs` in `timezone`; weeks start on Monday (luxon's ISO weeks, as
 * ClickHouse's toStartOfWeek(ts, 1)). An unknown zone gives NaN bounds, never remembered.
 */
export function spanOf(unit: Unit, timezone: string, atMs: number): Span {
  const key = `${unit}|${timezone}`;
  const hit = recentSpans.get(key)?.find((s) => inside(s, atMs));
  if (hit) return hit;
  const start = DateTime.fromMillis(atMs, { zone: timezone }).startOf(unit);
  return remember(recentSpans, key, Object.freeze({ startMs: start.toMillis(), endMs: start.plus({ [`${unit}s`]: 1 }).toMillis() }));
}

/** The month containing `atMs` in `timezone`, with its labels. */
export function monthAt(timezone: string, atMs: number): MonthAt {
  const hit = recentMonths.get(timezone)?.find((m) => inside(m.span, atMs));
  if (hit) return hit;
  const start = DateTime.fromMillis(atMs, { zone: timezone }).startOf('month');
  const month: MonthAt = Object.freeze({
    span: Object.freeze({ startMs: start.toMillis(), endMs: start.plus({ months: 1 }).toMillis() }),
    month: start.toFormat('yyyy-MM'),
    quarter: `${start.year}-Q${start.quarter}`,
    year: String(start.year),
  });
  return remember(recentMonths, timezone, month);
}

/** "2026", "2026-Q4" or "2026-11" → its unit. */
export function periodUnit(period: string): 'year' | 'quarter' | 'month' {
  if (period.length === 4) return 'year';
  return period.includes('Q') ? 'quarter' : 'month';
}

/** "2026", "2026-Q4" or "2026-11" → its bounds in the time zone. */
export function periodSpan(period: string, timezone: string): Span {
  const key = `${period}|${timezone}`;
  const hit = periodSpans.get(key);
  if (hit) return hit;
  const year = Number(period.slice(0, 4));
  const unit = periodUnit(period);
  const month = unit === 'year' ? 1 : unit === 'quarter' ? (Number(period.slice(6)) - 1) * 3 + 1 : Number(period.slice(5));
  const start = DateTime.fromObject({ year, month, day: 1 }, { zone: timezone });
  const span: Span = Object.freeze({ startMs: start.toMillis(), endMs: start.plus({ [`${unit}s`]: 1 }).toMillis() });
  if (periodSpans.size >= PERIOD_SPANS_MAX) periodSpans.clear();
  periodSpans.set(key, span);
  return span;
}
