import type { Direction, KpiStatusName } from '@northstar/shared';

/** Attainment above this is shown as this: 10 000 % says nothing 1 000 % does not. */
export const ATTAINMENT_CAP_PERCENT = 999;

/** Percent of target met; for lower_is_better, being under target is above 100 %. */
export function attainmentPercent(value: number | null, target: number, direction: Direction): number | null {
  if (value === null) return null;
  let pct: number;
  if (direction === 'higher_is_better') {
    pct = target === 0 ? (value >= 0 ? 100 : 0) : (value / target) * 100;
  } else {
    pct = value <= 0 ? ATTAINMENT_CAP_PERCENT : target <= 0 ? 0 : (target / value) * 100;
  }
  return Math.max(0, Math.min(ATTAINMENT_CAP_PERCENT, pct));
}

export interface Thresholds {
  direction: Direction;
  warningValue: number;
  criticalValue: number;
}

/** on_track until the warning threshold is crossed, at_risk until the critical one, then off_track. */
export function statusFor(value: number | null, t: Thresholds): KpiStatusName {
  if (value === null) return 'no_data';
  if (t.direction === 'higher_is_better') {
    if (value >= t.warningValue) return 'on_track';
    return value >= t.criticalValue ? 'at_risk' : 'off_track';
  }
  if (value <= t.warningValue) return 'on_track';
  return value <= t.criticalValue ? 'at_risk' : 'off_track';
}
