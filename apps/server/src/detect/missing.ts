import { Z_MEDIUM, zToScore } from './score.ts';

/** A run of this many missing points flags at medium sensitivity when gaps are otherwise rare (one or two lost points are ordinary). */
export const MISSING_MIN_RUN = 3;
/** A run must also be this many times the longest recent ordinary gap: a KPI that often skips 2 points flags at 4. */
export const MISSING_TYPICAL_FACTOR = 2;
/** Completed gap runs remembered to judge what is typical. */
export const MISSING_HISTORY_RUNS = 16;
/**
 * Zeros count as missing only for a series where they are rare: an EWMA of "this value
 * was 0" below this rate. A low-volume count with quiet hours has zeros as data.
 */
export const ZERO_RARE_RATE = 0.01;
/** The zero rate's memory: ~200 points (two days at 15 minutes). */
export const ZERO_RATE_ALPHA = 0.005;
/** Warm-up: the zero rate means nothing before this many values. */
export const MISSING_MIN_POINTS = 24;

export interface MissingAssessment {
  score: number;
  /** -1 for a run of zeros (the value dropped); 0 for a gap, which has no direction and counts whichever way is watched. */
  side: -1 | 0;
  /** The length of the current run of missing points, this one included. */
  run: number;
  /** run / the run that flags at medium (max(MISSING_MIN_RUN, 2 × longest recent ordinary gap)); 0 when not missing. */
  ratio: number;
}

/**
 * Missing or stale data: consecutive gaps (null), or zeros of a normally non-zero series.
 * The score rises with the run length relative to what is typical, mapped onto the
 * common z scale so that run = max(MISSING_MIN_RUN, 2 × longest recent gap) flags at medium.
 */
export class MissingDetector {
  #n = 0;
  #run = 0;
  /** Zeros held back from the zero rate until the run proves ordinary (an outage of zeros must not teach that zeros are normal). */
  #zerosInRun = 0;
  #zeroRate = 0;
  readonly #recentRuns: number[] = [];

  #isMissing(value: number | null): boolean {
    if (value === null || !Number.isFinite(value)) return true;
    return value === 0 && this.#n >= MISSING_MIN_POINTS && this.#zeroRate < ZERO_RARE_RATE;
  }

  #allowed(): number {
    const longest = this.#recentRuns.reduce((a, b) => Math.max(a, b), 0);
    return Math.max(MISSING_MIN_RUN, MISSING_TYPICAL_FACTOR * longest);
  }

  assess(value: number | null): MissingAssessment {
    if (!this.#isMissing(value)) return { score: 0, side: 0, run: 0, ratio: 0 };
    const run = this.#run + 1;
    const ratio = run / this.#allowed();
    return { score: zToScore(Z_MEDIUM * ratio), side: value === null ? 0 : -1, run, ratio };
  }

  #learnZeroRate(isZero: boolean): void {
    this.#n++;
    const a = Math.max(ZERO_RATE_ALPHA, 1 / this.#n);
    this.#zeroRate += a * ((isZero ? 1 : 0) - this.#zeroRate);
  }

  learn(value: number | null): void {
    if (this.#isMissing(value)) {
      this.#run++;
      if (value !== null && Number.isFinite(value)) this.#zerosInRun++;
      return;
    }
    if (this.#run > 0) {
      // only short, ordinary runs teach what is typical; an outage must not make the next one look normal
      if (this.#run < this.#allowed()) {
        this.#recentRuns.push(this.#run);
        if (this.#recentRuns.length > MISSING_HISTORY_RUNS) this.#recentRuns.shift();
        for (let i = 0; i < this.#zerosInRun; i++) this.#learnZeroRate(true);
      }
      this.#run = 0;
      this.#zerosInRun = 0;
    }
    if (value !== null && Number.isFinite(value)) this.#learnZeroRate(value === 0);
  }
}
