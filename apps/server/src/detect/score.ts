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
}

export const NOT_READY: Assessment = Object.freeze({ score: 0, lower: null, upper: null, expected: null, z: null, side: 0 });

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

/** Maps a deviation in sigmas to [0, 1]: 0 up to Z_QUIET, then rising smoothly towards 1. */
export function zToScore(z: number): number {
  const a = Math.abs(z);
  if (!(a > Z_QUIET)) return 0; // also catches NaN
  return 1 - Math.exp(-(a - Z_QUIET) / Z_SPREAD);
}

/** The score a point must reach to be flagged at a sensitivity (also the default of an anomaly alert rule). */
export function scoreThreshold(sensitivity: Sensitivity): number {
  return zToScore(SENSITIVITY_Z[sensitivity]);
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

/** The assessment of `value` against `expected ± BAND_Z·scale`. */
export function assess(value: number | null, expected: number, scale: number): Assessment {
  const lower = expected - BAND_Z * scale;
  const upper = expected + BAND_Z * scale;
  if (value === null) return { score: 0, lower, upper, expected, z: null, side: 0 };
  const z = (value - expected) / scale;
  return { score: zToScore(z), lower, upper, expected, z, side: z > 0 ? 1 : z < 0 ? -1 : 0 };
}

export const isCount = (v: number): boolean => v >= 0 && Number.isInteger(v);
