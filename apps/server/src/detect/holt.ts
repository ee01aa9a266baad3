import { MEAN_ABS_TO_SIGMA } from './robust.ts';
import { NOT_READY, assess, flooredScale, isCount, type Assessment } from './score.ts';

/** Level smoothing: follows a daily curve sampled every 15 minutes with little lag, yet averages ~4 points of noise. */
export const HOLT_ALPHA = 0.4;
/** Trend smoothing: slow enough that one noisy step does not tilt the forecast, fast enough to follow a morning ramp. */
export const HOLT_BETA = 0.1;
/**
 * Trend damping per step: a trend fades over ~50 steps instead of running away across a gap.
 * Stronger damping (0.9) keeps only a third of a steady slope and the forecast lags a ramp by ~2 sigmas.
 */
export const HOLT_PHI = 0.98;
/** Residual scale smoothing (EWMA of |residual|): ~40 points of memory, steady enough to divide by. */
export const HOLT_SCALE_ALPHA = 0.05;
/** Warm-up: the level, the trend and above all the residual scale need this many points. */
export const HOLT_MIN_POINTS = 16;
/**
 * Learned values are clipped to the forecast ± this many sigmas (winsorized), so a spike
 * neither drags the level nor inflates the scale, while a real shift is still followed
 * (a few steps later).
 */
export const HOLT_CLIP_Z = 3;

/** Holt's linear (double exponential) smoothing with a damped trend; the one-step-ahead forecast is the expectation. */
export class HoltDetector {
  #n = 0;
  #level = 0;
  #trend = 0;
  /** EWMA of |residual| once ready; during warm-up, the running mean of it. */
  #absResidual = 0;
  #counts = true;

  get ready(): boolean {
    return this.#n >= HOLT_MIN_POINTS;
  }

  #forecast(): number {
    return this.#level + HOLT_PHI * this.#trend;
  }

  #scale(forecast: number): number {
    return flooredScale(MEAN_ABS_TO_SIGMA * this.#absResidual, forecast, this.#counts);
  }

  assess(value: number | null): Assessment {
    if (!this.ready) return NOT_READY;
    const f = this.#forecast();
    return assess(value, f, this.#scale(f), flooredScale(MEAN_ABS_TO_SIGMA * this.#absResidual, f, false));
  }

  /** After a confirmed level shift: restart the level at `level` with no trend (instead of creeping there clipped at 3 sigmas). */
  rebaseline(level: number): void {
    if (!this.ready || !Number.isFinite(level)) return;
    this.#level = level;
    this.#trend = 0;
  }

  learn(value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    if (!isCount(value)) this.#counts = false;
    this.#n++;
    if (this.#n === 1) {
      this.#level = value;
      return;
    }
    const f = this.#forecast();
    let x = value;
    if (this.ready) {
      const limit = HOLT_CLIP_Z * this.#scale(f);
      x = Math.min(f + limit, Math.max(f - limit, value));
    }
    const residual = Math.abs(x - f);
    // the mean of the first residuals, then an EWMA: the estimate is usable from the end of warm-up
    const a = Math.max(HOLT_SCALE_ALPHA, 1 / (this.#n - 1));
    this.#absResidual += a * (residual - this.#absResidual);
    const previous = this.#level;
    this.#level = HOLT_ALPHA * x + (1 - HOLT_ALPHA) * f;
    this.#trend = HOLT_BETA * (this.#level - previous) + (1 - HOLT_BETA) * HOLT_PHI * this.#trend;
  }
}
