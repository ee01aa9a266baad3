/**
 * The variance channel looks at this many second differences: six hours at 15 minutes. Fewer
 * would see a regime sooner but read ordinary noise as a regime too often (the spread of a
 * dozen values swings by a factor of two by chance).
 */
export const DISPERSION_POINTS = 24;
/** The spread is the mean of the smallest this-many absolute centred second differences: a spike makes three odd ones, a shift two. */
export const DISPERSION_KEPT = 18;
/** The mean of the DISPERSION_KEPT smallest of DISPERSION_POINTS |N(0, 1) − median|: turns the trimmed mean into a sigma. */
const TRIMMED_MEAN_OF_NORMAL = 0.4941;
/** A second difference of white noise has √6 times its sigma. */
const SQRT6 = Math.sqrt(6);
/**
 * The usual spread the current one is compared with: an EWMA over ~200 points (two days at 15
 * minutes). It must be slow: a baseline's own scale follows a new regime within a few dozen
 * points (Holt's in ~20), which would explain the regime away.
 */
export const DISPERSION_SCALE_ALPHA = 0.005;
/**
 * Most KPIs are noisier at their busy hours (noise grows with the level), so the usual spread is
 * also kept per local hour of day: an EWMA over ~20 values (five days at 15 minutes), used once it
 * holds DISPERSION_HOUR_MIN of them.
 */
export const DISPERSION_HOUR_ALPHA = 0.05;
export const DISPERSION_HOUR_MIN = 8;
/**
 * The spread is never taken below this share of the usual one before its log: a flat series
 * has a spread of exactly 0, which must read as "as usual", not as −∞.
 */
export const DISPERSION_FLOOR = 0.01;
/**
 * The smallest tail scale of the log-spread history (its unit is log of a ratio, not sigmas):
 * a tenth, so a spread twice the usual one can stand out against a calm history.
 */
export const DISPERSION_MIN_EXCESS = 0.1;

/**
 * How noisy a KPI is right now, relative to its usual noise. Model-free: a robust sigma of the
 * last DISPERSION_POINTS second differences x_t − 2x_{t−1} + x_{t−2}, centred on their median,
 * from the mean of the smallest DISPERSION_KEPT of their absolute values. A daily ramp or a
 * trend cancels (within six hours its curvature is near constant, which the centring
 * removes); a level shift makes two odd second differences and a spike three, which the
 * trimming drops. So it moves only when the spread itself changes: a flaky dependency
 * (noisier) or a frozen value (calmer). A trimmed mean, not a median: the median of a few dozen
 * values is often near 0 by chance, which would make "calmer" an everyday event.
 *
 * Values are only as fine as their resolution (the smallest non-zero |second difference| seen):
 * a spread below it reads as that resolution, so a quantised gauge that sits still for three
 * hours is not "calmer". The ensemble judges log(spread / usual spread) like its other
 * channels, by its tail probability against the KPI's own history.
 */
export class DispersionWindow {
  readonly #ring = new Float64Array(DISPERSION_POINTS);
  readonly #scratch = new Float64Array(DISPERSION_POINTS);
  #count = 0;
  #last: number | null = null;
  #lastChange: number | null = null;
  #usual = 0;
  #learned = 0;
  readonly #hourUsual = new Float64Array(24);
  readonly #hourLearned = new Int32Array(24);
  #resolution = Infinity;

  /** The robust sigma of the second differences with `next` as the newest value (without keeping it), or null until the window is full. */
  spread(next: number | null): number | null {
    if (next === null || this.#last === null || this.#lastChange === null || this.#count < DISPERSION_POINTS - 1) return null;
    const s = this.#scratch;
    for (let j = 1; j < DISPERSION_POINTS; j++) s[j - 1] = this.#ring[(this.#count - j) % DISPERSION_POINTS] as number;
    s[DISPERSION_POINTS - 1] = next - this.#last - this.#lastChange;
    s.sort();
    const h = DISPERSION_POINTS >> 1;
    const median = DISPERSION_POINTS % 2 === 1 ? (s[h] as number) : 0.5 * ((s[h - 1] as number) + (s[h] as number));
    for (let j = 0; j < DISPERSION_POINTS; j++) s[j] = Math.abs((s[j] as number) - median);
    s.sort();
    let sum = 0;
    for (let j = 0; j < DISPERSION_KEPT; j++) sum += s[j] as number;
    return sum / DISPERSION_KEPT / TRIMMED_MEAN_OF_NORMAL / SQRT6;
  }

  /**
   * log(spread / usual spread), both raised to the values' resolution; null until the usual
   * spread has been learned for a window. Not raised to the point channel's noise floor: that
   * floor (a share of the level, of the changes) exists so a collapsed scale cannot saturate a
   * z, while here the history calibrates the ratio, and a calm spread below that floor is
   * exactly what a frozen value looks like.
   */
  ratio(spread: number | null, hour: number): number | null {
    if (spread === null || this.#learned < DISPERSION_POINTS) return null;
    const resolution = Number.isFinite(this.#resolution) ? this.#resolution / SQRT6 : 0;
    const byHour = (this.#hourLearned[hour] ?? 0) >= DISPERSION_HOUR_MIN;
    const usual = Math.max(byHour ? (this.#hourUsual[hour] as number) : this.#usual, resolution);
    // a series that never moved: as usual
    if (!(usual > 0)) return 0;
    return Math.log(Math.max(DISPERSION_FLOOR, Math.max(spread, resolution) / usual));
  }

  /** Keeps `value`'s change; `usual` (its spread, when not during an alarmed episode) teaches the usual spread, overall and at `hour` (local, 0–23). */
  learn(value: number | null, usual: number | null, hour: number): void {
    if (value === null || !Number.isFinite(value)) return;
    if (this.#last !== null) {
      const change = value - this.#last;
      if (this.#lastChange !== null) {
        const second = change - this.#lastChange;
        const size = Math.abs(second);
        if (size > 0 && size < this.#resolution) this.#resolution = size;
        this.#ring[this.#count % DISPERSION_POINTS] = second;
        this.#count++;
      }
      this.#lastChange = change;
    }
    this.#last = value;
    if (usual !== null && Number.isFinite(usual)) {
      this.#learned++;
      this.#usual += Math.max(DISPERSION_SCALE_ALPHA, 1 / this.#learned) * (usual - this.#usual);
      const n = (this.#hourLearned[hour] ?? 0) + 1;
      this.#hourLearned[hour] = n;
      const before = this.#hourUsual[hour] ?? 0;
      this.#hourUsual[hour] = before + Math.max(DISPERSION_HOUR_ALPHA, 1 / n) * (usual - before);
    }
  }
}
