import {
  calendarSpan,
  isCalendarWindow,
  isCumulative,
  projectPeriodEnd,
  resolveThresholds,
  type KpiDefinition,
  type KpiProjection,
  type Span,
  type TargetInForce,
} from '@northstar/shared';
import { statusFor } from './attainment.ts';

/**
 * The projection a KPI's state carries to the wall: shared/projection.ts's end-of-period
 * value and band, judged against the period's target by the KPI's own thresholds (the
 * target as for the whole period, not paced), so "projected 1.2M" is on track exactly
 * when the tile's paced figure is. Null for levels, ranges, rolling windows, without a
 * target or a value, and while projectPeriodEnd has none.
 */
export function kpiProjection(
  kpi: KpiDefinition,
  value: number | null,
  inForce: TargetInForce,
  period: Span,
  nowMs: number,
  slotSd: number | null,
  slotMs: number,
): KpiProjection | null {
  if (value === null || inForce.target === null || kpi.direction === 'within_range') return null;
  if (!isCalendarWindow(kpi.window) || !isCumulative(kpi)) return null;
  const p = projectPeriodEnd({ value, target: inForce.target, expected: inForce.expected, ...period, nowMs, slotSd, slotMs });
  if (p === null) return null;
  return { ...p, status: statusFor(p.value, resolveThresholds(kpi, { ...inForce, expected: null })) };
}

/** The calendar period holding `nowMs` for a calendar KPI, reusing `cached` while it holds (luxon is not free). */
export function periodAt(kpi: KpiDefinition, nowMs: number, cached: Span | undefined): Span | undefined {
  if (!isCalendarWindow(kpi.window)) return undefined;
  if (cached && nowMs >= cached.startMs && nowMs < cached.endMs) return cached;
  return calendarSpan(kpi.window, kpi.timezone, nowMs);
}
