import { lowerBound } from './robust.ts';

/**
 * Deviations remembered per channel: three weeks at a 15-minute step. The tail of a KPI's
 * own deviations is estimated from these, so this bounds both memory (two arrays of this
 * many doubles per channel) and how long a forgotten incident keeps raising the bar.
 */
export const LIKELIHOOD_HISTORY = 2016;
/** Below this many remembered deviations the tail is not trusted: the detector is "learning". */
export const LIKELIHOOD_MIN_HISTORY = 96;
/** The share of the history above which the tail is modelled (peaks over threshold), not counted. */
export const TAIL_SHARE = 0.05;
/** ...but the tail is never fitted to fewer than this many values (a short history fits a wider share). */
export const TAIL_MIN_VALUES = 12;
/**
 * The fitted tail's scale is never below this (in sigmas of the baseline): a series whose
 * deviations were all identical so far (a constant, then one blip) has no tail to fit, and
 * a zero scale would make the next blip infinitely unlikely (saturation).
 */
export const MIN_MEAN_EXCESS = 0.5;
/** The fitted tail's shape is kept in [0, MAX_SHAPE]: never bounded (a finite end point would make larger values impossible), at most about as heavy as a Pareto with a finite mean. */
export const MAX_SHAPE = 0.9;

interface TailFit {
  /** The threshold (the `share` quantile of the side). */
  u: number;
  /** The share of the history beyond u. */
  share: number;
  /** Generalised Pareto scale and shape of the excesses over u. */
  beta: number;
  xi: number;
}
/** The tail is refitted after this many new values (a fit costs a pass over the tail; one value barely moves it). */
export const REFIT_EVERY = 16;
/** The smallest tail probability reported, so −log10 stays finite. */
export const MIN_P = 1e-12;

/**
 * How unusual a deviation is for *this* series: the tail probability of a value against the
 * bounded history of the same series' past values of that deviation (an anomaly likelihood).
 *
 * Within the body (the most common 1 − TAIL_SHARE of each side) the probability is counted
 * empirically; beyond, it is a generalised Pareto tail fitted (method of moments) to the
 * exceedances over the TAIL_SHARE quantile: the peaks-over-threshold method. The shape is
 * kept in [0, MAX_SHAPE], so Gaussian noise gets an exponential tail (slightly conservative)
 * and latencies or bursty counts a power-law one (their big values are not news).
 *
 * Kept as a ring (arrival order, for eviction) beside a sorted array (for the quantiles):
 * O(history) memmove per point, no allocation once full.
 */
export class TailCalibrator {
  readonly #capacity: number;
  readonly #minExcess: number;
  readonly #ring: Float64Array;
  #size = 0;
  #head = 0;
  readonly #sorted: number[] = [];
  /** Cached tail fits, invalidated by learn(). */
  #upper: TailFit | null = null;
  #lower: TailFit | null = null;
  #sinceFit = 0;

  /** `minExcess`: the smallest tail scale, in the channel's own unit (MIN_MEAN_EXCESS for deviations in sigmas). */
  constructor(capacity = LIKELIHOOD_HISTORY, minExcess = MIN_MEAN_EXCESS) {
    this.#capacity = capacity;
    this.#minExcess = minExcess;
    this.#ring = new Float64Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  get ready(): boolean {
    return this.#size >= LIKELIHOOD_MIN_HISTORY;
  }

  learn(raw: number): void {
    if (!Number.isFinite(raw)) return;
    const x = raw;
    if (this.#size < this.#capacity) {
      this.#ring[this.#size++] = x;
    } else {
      const old = this.#ring[this.#head] as number;
      this.#ring[this.#head] = x;
      this.#head = (this.#head + 1) % this.#capacity;
      this.#sorted.splice(lowerBound(this.#sorted, old), 1);
    }
    this.#sorted.splice(lowerBound(this.#sorted, x), 0, x);
    // the tail moves slowly: refit every REFIT_EVERY values (the counts in the body are always current)
    if (++this.#sinceFit >= REFIT_EVERY || this.#size < 2 * LIKELIHOOD_MIN_HISTORY) {
      this.#sinceFit = 0;
      this.#upper = null;
      this.#lower = null;
    }
  }

  /** P(X ≥ raw): how often this series deviated at least this far upwards. 1 while learning. */
  upperP(raw: number): number {
    if (!this.ready || Number.isNaN(raw)) return 1;
    this.#upper ??= this.#fit(1);
    return this.#tailP(raw, this.#upper, 1);
  }

  /** P(X ≤ raw): how often this series deviated at least this far downwards. 1 while learning. */
  lowerP(raw: number): number {
    if (!this.ready || Number.isNaN(raw)) return 1;
    this.#lower ??= this.#fit(-1);
    return this.#tailP(raw, this.#lower, -1);
  }

  /**
   * The deviation whose upper (side 1) or lower (side −1) tail probability is `p`: where the
   * band of "not flagged" values ends. Null while learning.
   */
  quantile(p: number, side: 1 | -1): number | null {
    if (!this.ready) return null;
    const fit = side === 1 ? (this.#upper ??= this.#fit(1)) : (this.#lower ??= this.#fit(-1));
    if (p >= fit.share) {
      const s = this.#sorted;
      const i = Math.min(s.length - 1, Math.max(0, Math.floor(side === 1 ? (1 - p) * s.length : p * s.length)));
      return s[i] as number;
    }
    const r = fit.share / Math.max(p, MIN_P);
    const excess = fit.xi < 1e-6 ? fit.beta * Math.log(r) : (fit.beta / fit.xi) * (Math.pow(r, fit.xi) - 1);
    return fit.u + side * excess;
  }

  /** The TAIL_SHARE quantile on one side and the mean excess beyond it. */
  #fit(side: 1 | -1): TailFit {
    const s = this.#sorted;
    const n = s.length;
    const k = Math.min(n - 1, Math.max(TAIL_MIN_VALUES, Math.floor(TAIL_SHARE * n)));
    const u = side === 1 ? (s[n - k - 1] ?? (s[0] as number)) : (s[k] ?? (s[n - 1] as number));
    let sum = 0;
    let sumSq = 0;
    for (let j = 0; j < k; j++) {
      const e = side === 1 ? (s[n - 1 - j] as number) - u : u - (s[j] as number);
      sum += e;
      sumSq += e * e;
    }
    const mean = sum / k;
    const variance = Math.max(0, sumSq / k - mean * mean);
    // method of moments for the generalised Pareto: ξ = (1 − mean²/var)/2, β = mean·(1 + mean²/var)/2
    const ratio = variance > 0 ? (mean * mean) / variance : 1;
    let xi = Math.max(0, 0.5 * (1 - ratio));
    let beta = mean * (1 - xi);
    // the moments cannot see a shape past 1/2; the Hill estimator (mean log-excess) can, where the tail is power-law
    const base = side * u;
    if (base > 0) {
      let logs = 0;
      for (let j = 0; j < k; j++) logs += Math.log((base + (side === 1 ? (s[n - 1 - j] as number) - u : u - (s[j] as number))) / base);
      const hill = logs / k;
      if (hill > xi) {
        xi = hill;
        beta = hill * base;
      }
    }
    xi = Math.min(MAX_SHAPE, xi);
    return { u, beta: Math.max(this.#minExcess, beta), xi, share: k / n };
  }

  #tailP(x: number, fit: TailFit, side: 1 | -1): number {
    const s = this.#sorted;
    const n = s.length;
    const beyond = side * (x - fit.u);
    if (beyond <= 0) {
      // the body: count (with +1 smoothing, so nothing seen is ever certain)
      const atLeast = side === 1 ? n - lowerBound(s, x) : upperBound(s, x);
      return Math.min(1, (atLeast + 1) / (n + 1));
    }
    const p =
      fit.xi < 1e-6 ? fit.share * Math.exp(-beyond / fit.beta) : fit.share * Math.pow(1 + (fit.xi * beyond) / fit.beta, -1 / fit.xi);
    // where the history itself holds values this far out, trust the count over the model: a 1 % population
    // of stragglers (a mixture) is heavier than the fitted tail of the top 10 %
    const seen = (side === 1 ? n - lowerBound(s, x) : upperBound(s, x)) / (n + 1);
    return Math.max(MIN_P, p, seen);
  }
}

/** First index whose value is > x. */
function upperBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
