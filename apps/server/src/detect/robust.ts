import { NOT_READY, assess, flooredScale, isCount, type Assessment } from './score.ts';

/** One day at a 15-minute step: long enough that a short anomaly is a minority of the window, short enough to follow the level. */
export const ROBUST_WINDOW_POINTS = 96;
/** Warm-up: a median and a MAD of fewer points are too jumpy to score against. */
export const ROBUST_MIN_POINTS = 12;
/** MAD → sigma for Gaussian noise. */
export const MAD_TO_SIGMA = 1.4826;
/** Mean absolute deviation → sigma for Gaussian noise; the fallback when more than half the window is one value (MAD = 0). */
export const MEAN_ABS_TO_SIGMA = 1.2533;

/**
 * A rolling median / MAD baseline over the last ROBUST_WINDOW_POINTS values, kept as a
 * ring (arrival order, for eviction) beside a sorted array (for the order statistics):
 * O(window) per point, no allocation after warm-up.
 */
export class RobustDetector {
  readonly #window: number;
  readonly #ring: number[] = [];
  #head = 0;
  readonly #sorted: number[] = [];
  /** Values in the window that are not non-negative integers; 0 means the window looks like counts. */
  #nonCounts = 0;

  constructor(windowPoints = ROBUST_WINDOW_POINTS) {
    if (!(windowPoints >= ROBUST_MIN_POINTS)) throw new RangeError(`window must be at least ${ROBUST_MIN_POINTS} points`);
    this.#window = windowPoints;
  }

  get ready(): boolean {
    return this.#sorted.length >= ROBUST_MIN_POINTS;
  }

  /** Scores `value` against the window so far (it is not learned). */
  assess(value: number | null): Assessment {
    if (!this.ready) return NOT_READY;
    const s = this.#sorted;
    const median = medianOfSorted(s);
    const mad = madOfSorted(s, median);
    let estimate = MAD_TO_SIGMA * mad;
    if (estimate === 0) {
      let sum = 0;
      for (const v of s) sum += Math.abs(v - median);
      estimate = (MEAN_ABS_TO_SIGMA * sum) / s.length;
    }
    return assess(value, median, flooredScale(estimate, median, this.#nonCounts === 0), flooredScale(estimate, median, false));
  }

  /** After a confirmed level shift: forget the old level and start the window from `recent` values (oldest first). */
  rebaseline(recent: readonly number[]): void {
    this.#ring.length = 0;
    this.#sorted.length = 0;
    this.#head = 0;
    this.#nonCounts = 0;
    for (const v of recent) this.learn(v);
  }

  /** Adds a value to the window, evicting the oldest once full. Gaps are not learned. */
  learn(value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    if (this.#ring.length < this.#window) {
      this.#ring.push(value);
    } else {
      const old = this.#ring[this.#head] as number;
      this.#ring[this.#head] = value;
      this.#head = (this.#head + 1) % this.#window;
      this.#sorted.splice(lowerBound(this.#sorted, old), 1);
      if (!isCount(old)) this.#nonCounts--;
    }
    this.#sorted.splice(lowerBound(this.#sorted, value), 0, value);
    if (!isCount(value)) this.#nonCounts++;
  }
}

/** First index whose value is >= x. */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function medianOfSorted(s: readonly number[]): number {
  const n = s.length;
  const m = n >>> 1;
  return n % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * The median of |x − median| in O(n) without sorting again: walking out from the median,
 * the deviations on the left and on the right each come in increasing order, so merging
 * the two walks yields them sorted.
 */
export function madOfSorted(s: readonly number[], median: number): number {
  const n = s.length;
  if (n === 0) return 0;
  let right = lowerBound(s, median);
  let left = right - 1;
  const wanted = n % 2 === 1 ? [n >>> 1] : [(n >>> 1) - 1, n >>> 1];
  const found: number[] = [];
  for (let k = 0; k <= (wanted[wanted.length - 1] as number); k++) {
    const dl = left >= 0 ? median - (s[left] as number) : Infinity;
    const dr = right < n ? (s[right] as number) - median : Infinity;
    let d: number;
    if (dl <= dr) {
      d = dl;
      left--;
    } else {
      d = dr;
      right++;
    }
    if (wanted.includes(k)) found.push(d);
  }
  return found.length === 1 ? (found[0] as number) : ((found[0] as number) + (found[1] as number)) / 2;
}
