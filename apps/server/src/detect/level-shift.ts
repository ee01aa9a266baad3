import { Z_MEDIUM, zToScore } from './score.ts';

/**
 * CUSUM allowance, in sigmas: drifts smaller than this are ignored. k = 1.5 targets shifts
 * of ≥ 3 sigmas (k is half the smallest shift worth catching). On independent Gaussian
 * residuals k = 1 would do, but seasonal residuals are autocorrelated (neighbouring points
 * share a bucket median estimated from a few weeks): with k = 1 the benchmark saw ~3 false
 * shifts per series-week on smooth traffic.
 */
export const CUSUM_K = 1.5;
/** CUSUM decision interval at medium sensitivity: a 3-sigma shift crosses it in 4 points, a 4-sigma one in 2, a 5-sigma one in 2. */
export const CUSUM_H = 5;
/** Residuals are clipped to this many sigmas first: one spike alone (contributes ≤ 3) never reads as a shift. */
export const CUSUM_CLIP_Z = 4;

export interface ShiftAssessment {
  score: number;
  side: -1 | 0 | 1;
  /** The statistic crossed the alarm level: a shift is confirmed (learn() then resets and asks for re-baselining). */
  alarm: boolean;
}

/**
 * Two-sided tabular CUSUM on standardized residuals (z of some baseline: the seasonal one
 * when ready, else Holt's). The statistic maps onto the common z scale as
 * Z_MEDIUM · S / CUSUM_H, so S = CUSUM_H flags exactly at medium sensitivity.
 * Warm-up: none of its own; it is as ready as the baseline that feeds it.
 */
export class LevelShiftDetector {
  #up = 0;
  #down = 0;
  readonly #alarmAt: number;

  /** `alarmZ`: the z (on the common scale) at which a shift is confirmed and the sums reset; the sensitivity's. */
  constructor(alarmZ = Z_MEDIUM) {
    this.#alarmAt = (CUSUM_H * alarmZ) / Z_MEDIUM;
  }

  #next(z: number | null): { up: number; down: number } {
    if (z === null || !Number.isFinite(z)) return { up: this.#up, down: this.#down };
    const c = Math.max(-CUSUM_CLIP_Z, Math.min(CUSUM_CLIP_Z, z));
    return { up: Math.max(0, this.#up + c - CUSUM_K), down: Math.max(0, this.#down - c - CUSUM_K) };
  }

  /** Scores the residual `z` without learning it. A gap (null) leaves the sums as they are. */
  assess(z: number | null): ShiftAssessment {
    const { up, down } = this.#next(z);
    const s = Math.max(up, down);
    const side = up > down ? 1 : down > up ? -1 : 0;
    return { score: zToScore((Z_MEDIUM * s) / CUSUM_H), side, alarm: s >= this.#alarmAt };
  }

  /** Accumulates `z`; returns true when a shift was confirmed (the sums then restart from 0, on the new level). */
  learn(z: number | null): boolean {
    const { up, down } = this.#next(z);
    if (Math.max(up, down) >= this.#alarmAt) {
      this.#up = 0;
      this.#down = 0;
      return true;
    }
    this.#up = up;
    this.#down = down;
    return false;
  }
}
