import { bandScale, type Direction, type KpiStatusName, type TargetInForce, type Thresholds } from '@northstar/shared';

/** Attainment above this is shown as this: 10 000 % says nothing 1 000 % does not. */
export const ATTAINMENT_CAP_PERCENT = 999;

/** Percent of `reference` met; for lower_is_better, being under it is above 100 %. */
export function attainmentPercent(value: number | null, reference: number, direction: Exclude<Direction, 'within_range'>): number | null {
  if (value === null) return null;
  let pct: number;
  if (direction === 'higher_is_better') {
    pct = reference === 0 ? (value >= 0 ? 100 : 0) : (value / reference) * 100;
  } else {
    pct = value <= 0 ? ATTAINMENT_CAP_PERCENT : reference <= 0 ? 0 : (reference / value) * 100;
  }
  return Math.max(0, Math.min(ATTAINMENT_CAP_PERCENT, pct));
}

/**
 * within_range: 100 inside [low, high]; outside, 100 × (1 − distance / scale), floored
 * at 0, where scale is the band's width (see bandScale): a value one band-width outside
 * the band attains 0 %. Never above 100: there is no "better than in range".
 */
export function bandAttainmentPercent(value: number | null, low: number, high: number): number | null {
  if (value === null) return null;
  const distance = value < low ? low - value : value > high ? value - high : 0;
  return Math.max(0, 100 * (1 - distance / bandScale(low, high)));
}

/**
 * Attainment against the target in force: against `expected` when the target is paced
 * (where the KPI should be by now), else the target; the band for within_range. Null
 * without a value or without a target.
 */
export function attainmentFor(value: number | null, direction: Direction, inForce: TargetInForce): number | null {
  if (direction === 'within_range') {
    return inForce.low === null || inForce.high === null ? null : bandAttainmentPercent(value, inForce.low, inForce.high);
  }
  const reference = inForce.expected ?? inForce.target;
  return reference === null ? null : attainmentPercent(value, reference, direction);
}

/**
 * no_data without a value, no_target without thresholds (no target or band in force);
 * else on_track until the warning threshold is crossed, at_risk until the critical one,
 * then off_track. A band counts as on_track inside it (and within the warning distance).
 */
export function statusFor(value: number | null, t: Thresholds | null): KpiStatusName {
  if (value === null) return 'no_data';
  if (t === null) return 'no_target';
  if (t.kind === 'band') {
    if (value >= t.warningLow && value <= t.warningHigh) return 'on_track';
    return value >= t.criticalLow && value <= t.criticalHigh ? 'at_risk' : 'off_track';
  }
  if (t.direction === 'higher_is_better') {
    if (value >= t.warning) return 'on_track';
    return value >= t.critical ? 'at_risk' : 'off_track';
  }
  if (value <= t.warning) return 'on_track';
  return value <= t.critical ? 'at_risk' : 'off_track';
}
