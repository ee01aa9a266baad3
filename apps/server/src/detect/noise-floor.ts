import { MEAN_ABS_TO_SIGMA } from './robust.ts';
import { SCALE_FLOOR_ABSOLUTE, SCALE_FLOOR_RELATIVE } from './score.ts';

/** Long-run memory of the floor's statistics: ~1000 points (ten days at 15 minutes). */
export const FLOOR_ALPHA = 0.001;
/** The floor is this share of the sigma of point-to-point changes: a local scale may be tighter, never much tighter. */
export const FLOOR_CHANGE_SHARE = 0.5;
/** ...and this share of the typical size of non-zero activity, once zeros are common. */
export const FLOOR_ACTIVITY_SHARE = 0.25;
/** Zeros are "common" (a sparse or zero-inflated series) above this share of values. */
export const ZERO_HEAVY_SHARE = 0.2;

/**
 * The smallest noise scale a series' deviations are measured in, from its own long-run
 * dispersion, so a local scale that collapsed (a window of identical values, a run of
 * zeros) can never turn the next ordinary burst into a z of millions:
 *   - the sigma of point-to-point changes, |Δx|·1.2533/√2 (a random walk's step, white noise's sigma);
 *   - for zero-heavy series, a share of the mean size of the non-zero values;
 *   - for counts, the Poisson sigma √max(expected, 1) (near zero one more event is never news),
 *     capped at twice the change sigma for whole-number gauges much steadier than Poisson;
 *   - never below a tiny share of the expectation (a perfectly constant series).
 */
export class NoiseFloor {
  #n = 0;
  #nonZero = 0;
  #last: number | null = null;
  #meanChange = 0;
  #zeroShare = 0;
  #meanActivity = 0;
  #counts = true;

  learn(value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    this.#n++;
    if (!(value >= 0 && Number.isInteger(value))) this.#counts = false;
    const a = Math.max(FLOOR_ALPHA, 1 / this.#n);
    this.#zeroShare += a * ((value === 0 ? 1 : 0) - this.#zeroShare);
    if (value !== 0) {
      this.#nonZero++;
      this.#meanActivity += Math.max(FLOOR_ALPHA, 1 / this.#nonZero) * (Math.abs(value) - this.#meanActivity);
    }
    if (this.#last !== null) {
      const b = Math.max(FLOOR_ALPHA, 1 / (this.#n - 1));
      this.#meanChange += b * (Math.abs(value - this.#last) - this.#meanChange);
    }
    this.#last = value;
  }

  get countLike(): boolean {
    return this.#counts;
  }

  /** Zeros are common: a sparse or zero-inflated series. */
  get zeroHeavy(): boolean {
    return this.#zeroShare > ZERO_HEAVY_SHARE;
  }

  /** `estimate` (a baseline's local scale), raised to the floor at `expected`. */
  apply(estimate: number, expected: number): number {
    let floor = Math.max(SCALE_FLOOR_RELATIVE * Math.abs(expected), SCALE_FLOOR_ABSOLUTE);
    const changeSigma = (MEAN_ABS_TO_SIGMA * this.#meanChange) / Math.SQRT2;
    floor = Math.max(floor, FLOOR_CHANGE_SHARE * changeSigma);
    if (this.#zeroShare > ZERO_HEAVY_SHARE) floor = Math.max(floor, FLOOR_ACTIVITY_SHARE * this.#meanActivity);
    // counts: the Poisson sigma, near zero at least one event; but a whole-number gauge far steadier than
    // Poisson (a CPU percentage, a queue length) is not held to it: never more than twice its own change sigma
    if (this.#counts && this.#n > 0) floor = Math.max(floor, Math.min(Math.sqrt(Math.max(expected, 1)), Math.max(1, 2 * changeSigma)));
    return Number.isFinite(estimate) && estimate > floor ? estimate : floor;
  }
}
