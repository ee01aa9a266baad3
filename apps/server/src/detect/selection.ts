import type { Assessment } from './score.ts';

export const BASELINES = ['seasonal', 'holt', 'robust'] as const;
export type Baseline = (typeof BASELINES)[number];

/** Forecast error memory: an EWMA of |value − expected| over ~50 points (half a day at 15 minutes). */
export const ERROR_ALPHA = 0.02;
/** A baseline's error is compared only after it has forecast this many points. */
export const ERROR_MIN_POINTS = 24;
/**
 * A seasonal profile votes only if its recent error is below this share of the best
 * non-seasonal baseline's: on a series without a season, the profile is a noisy copy of
 * the level and must not win on noise.
 */
export const SEASONAL_MARGIN = 0.9;

/**
 * Chooses the baseline that forecasts this KPI best lately: each ready baseline's one-step
 * forecast error is tracked as an EWMA of |value − expected|, and the smallest wins. The
 * seasonal one must beat the best non-seasonal one by SEASONAL_MARGIN.
 */
export class BaselineSelector {
  readonly #error: Record<Baseline, number> = { seasonal: 0, holt: 0, robust: 0 };
  readonly #count: Record<Baseline, number> = { seasonal: 0, holt: 0, robust: 0 };

  choose(assessments: Record<Baseline, Assessment>, allowed: ReadonlySet<string>): Baseline | null {
    let best: Baseline | null = null;
    let bestError = Infinity;
    for (const name of ['holt', 'robust'] as const) {
      if (!allowed.has(name) || assessments[name].expected === null) continue;
      const e = this.#count[name] >= ERROR_MIN_POINTS ? this.#error[name] : Infinity;
      if (best === null || e < bestError) {
        best = name;
        bestError = e;
      }
    }
    const s = assessments.seasonal;
    if (allowed.has('seasonal') && s.expected !== null && this.#count.seasonal >= ERROR_MIN_POINTS) {
      if (best === null || this.#error.seasonal < SEASONAL_MARGIN * bestError) best = 'seasonal';
    }
    return best;
  }

  /**
   * The best-forecasting baseline that does not follow a trend (the profile or the rolling
   * median): the reference a drift or a shift is measured against, since Holt absorbs both.
   */
  chooseLevel(assessments: Record<Baseline, Assessment>, allowed: ReadonlySet<string>): Baseline | null {
    const robust = allowed.has('robust') && assessments.robust.expected !== null;
    const seasonal = allowed.has('seasonal') && assessments.seasonal.expected !== null && this.#count.seasonal >= ERROR_MIN_POINTS;
    if (seasonal && (!robust || this.#error.seasonal < this.#error.robust)) return 'seasonal';
    return robust ? 'robust' : null;
  }

  /** Scores each ready baseline's forecast of `value`. */
  learn(assessments: Record<Baseline, Assessment>, value: number | null): void {
    if (value === null) return;
    for (const name of BASELINES) {
      const expected = assessments[name].expected;
      if (expected === null) continue;
      this.#count[name]++;
      const a = Math.max(ERROR_ALPHA, 1 / this.#count[name]);
      this.#error[name] += a * (Math.abs(value - expected) - this.#error[name]);
    }
  }
}
