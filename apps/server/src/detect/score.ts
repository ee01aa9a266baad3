import type { Sensitivity } from '@northstar/shared';

/**
 * What one detector says about one point. `z` is the signed deviation in units of the
 * detector's noise scale (null while warming up or on a gap); `side` is the way the
 * value deviates (+1 above the expectation, -1 below, 0 on a gap or a tie).
 */
export interface Assessment {
  score: number;
  lower: number | null;
  upper: number | null;
  expected: number | null;
  z: number | null;
  side: -1 | 0 | 1;
  /** The noise scale the deviation is measured in (null while warming up). */
  scale: number | null;
}

export const NOT_READY: Assessment = Object.freeze({
  score: 0,
  lower: null,
  upper: null,
  expected: null,
  z: null,
  side: 0,
  scale: null,
});

/**
 * Deviations under this many sigmas score exactly 0: about 95 % of ordinary Gaussian
 * points, so a quiet series reads as a flat 0 instead of a noisy floor.
 */
export const Z_QUIET = 2;
/** How fast the score rises past Z_QUIET: 1 − e^(−(z − Z_QUIET)/Z_SPREAD). z = 4.5 → 0.63, z = 7 → 0.86. */
export const Z_SPREAD = 2.5;

/** The robust z each sensitivity flags at; medium is tuned on bench/detection to ≤ 1 false alert per series-week. */
export const SENSITIVITY_Z: Readonly<Record<Sensitivity, number>> = Object.freeze({ low: 6, medium: 4.5, high: 3.5 });
/** Every detector's statistic is mapped onto the z scale; this is the z that "just flags" at medium. */
export const Z_MEDIUM = SENSITIVITY_Z.medium;

/** A single baseline's own score (zToScore of its z) that flags at a sensitivity: the raw, uncalibrated scale the baselines report on. */
export function zThreshold(sensitivity: Sensitivity): number {
  return zToScore(SENSITIVITY_Z[sensitivity]);
}

/** Maps a deviation in sigmas to [0, 1]: 0 up to Z_QUIET, then rising smoothly towards 1. */
export function zToScore(z: number): number {
  const a = Math.abs(z);
  if (!(a > Z_QUIET)) return 0; // also catches NaN
  return 1 - Math.exp(-(a - Z_QUIET) / Z_SPREAD);
}

/**
 * The calibrated score's unit is the surprise L = −log10 p, where p is the probability
 * that this KPI deviates at least this much (its anomaly likelihood, see likelihood.ts).
 * Surprises up to L_QUIET (p ≥ 5 %) score exactly 0, so a quiet series reads as a flat 0.
 */
export const L_QUIET = 1.3;
/** How fast the score rises past L_QUIET: 1 − e^(−(L − L_QUIET)/L_SPREAD). It reaches 1 only as p → 0, never at a finite deviation. */
export const L_SPREAD = 3;
/**
 * The surprise each sensitivity flags at: medium = one point in 10^2.4 of this KPI's own
 * deviations. Tuned on the training seeds of bench/detection (standard NAB-like profile).
 */
export const SENSITIVITY_L: Readonly<Record<Sensitivity, number>> = Object.freeze({ low: 3.0, medium: 2.4, high: 1.9 });
/** A step of feedback ("not real" +1, "missed" −1) moves the KPI's surprise threshold by this much: a factor √10 in false-alarm rate. */
export const FEEDBACK_STEP_L = 0.5;
/** Feedback moves a KPI's threshold by at most this many steps either way. */
export const FEEDBACK_MAX_STEPS = 4;

/** Maps a tail probability to [0, 1): 0 while p ≥ 10^−L_QUIET, then rising smoothly with the surprise. */
export function pToScore(p: number): number {
  if (!(p > 0)) p = Number.MIN_VALUE;
  return surpriseToScore(-Math.log10(Math.min(1, p)));
}

export function surpriseToScore(l: number): number {
  if (!(l > L_QUIET)) return 0;
  return 1 - Math.exp(-(l - L_QUIET) / L_SPREAD);
}

/** The surprise a KPI flags at: its sensitivity's, moved by `feedbackSteps` (clamped to ± FEEDBACK_MAX_STEPS). */
export function surpriseThreshold(sensitivity: Sensitivity, feedbackSteps = 0): number {
  const steps = Math.max(-FEEDBACK_MAX_STEPS, Math.min(FEEDBACK_MAX_STEPS, Math.round(feedbackSteps)));
  return SENSITIVITY_L[sensitivity] + steps * FEEDBACK_STEP_L;
}

/** The score a point must reach to be flagged at a sensitivity (also the default of an anomaly alert rule). */
export function scoreThreshold(sensitivity: Sensitivity, feedbackSteps = 0): number {
  return surpriseToScore(surpriseThreshold(sensitivity, feedbackSteps));
}

/** The band is drawn at the medium sensitivity's width: the values medium would not flag. */
export const BAND_Z = Z_MEDIUM;

/**
 * A scale never below this fraction of the expected value: a perfectly constant series
 * (MAD = 0, no residuals) still gets a finite z and a tight band instead of dividing by 0.
 */
export const SCALE_FLOOR_RELATIVE = 0.005;
/** ...and never below this absolute amount, for a series that sits at exactly 0. */
export const SCALE_FLOOR_ABSOLUTE = 1e-6;

/**
 * The noise scale to divide by: the estimate, floored. For counts (non-negative integers)
 * the floor is the Poisson sigma √max(expected, 1): with a handful of events per step a
 * MAD of 0 is ordinary, and one more event is not an anomaly.
 */
export function flooredScale(estimate: number, expected: number, countLike: boolean): number {
  let floor = Math.max(SCALE_FLOOR_RELATIVE * Math.abs(expected), SCALE_FLOOR_ABSOLUTE);
  if (countLike) floor = Math.max(floor, Math.sqrt(Math.max(expected, 1)));
  return Number.isFinite(estimate) && estimate > floor ? estimate : floor;
}

/**
 * The assessment of `value` against `expected ± BAND_Z·scale`. `ownScale` is the baseline's
 * estimate before the count floor, reported as `scale`: the ensemble applies its own floor
 * from the series' long-run dispersion (noise-floor.ts).
 */
export function assess(value: number | null, expected: number, scale: number, ownScale = scale): Assessment {
  const lower = expected - BAND_Z * scale;
  const upper = expected + BAND_Z * scale;
  if (value === null) return { score: 0, lower, upper, expected, z: null, side: 0, scale: ownScale };
  const z = (value - expected) / scale;
  return { score: zToScore(z), lower, upper, expected, z, side: z > 0 ? 1 : z < 0 ? -1 : 0, scale: ownScale };
}

export const isCount = (v: number): boolean => v >= 0 && Number.isInteger(v);
