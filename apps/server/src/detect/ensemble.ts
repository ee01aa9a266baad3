import type { AnomalyDirection, DetectionPoint, DetectionSettings, DetectorName, Direction, Sensitivity } from '@northstar/shared';
import { DEFAULT_SENSITIVITY, DETECTORS } from '@northstar/shared';
import { DISPERSION_MIN_EXCESS, DispersionWindow } from './dispersion.ts';
import { EpisodeTracker } from './episode.ts';
import { HoltDetector } from './holt.ts';
import { LevelShiftDetector } from './level-shift.ts';
import { LIKELIHOOD_HISTORY, TailCalibrator } from './likelihood.ts';
import { MissingDetector } from './missing.ts';
import { NoiseFloor } from './noise-floor.ts';
import { RobustDetector } from './robust.ts';
import { SENSITIVITY_Z, pToScore, surpriseThreshold, surpriseToScore, type Assessment } from './score.ts';
import { SeasonalDetector } from './seasonal.ts';
import { BASELINES, BaselineSelector, type Baseline } from './selection.ts';

export interface KpiDetectorOptions {
  /** The KPI's direction: the anomaly direction defaults to its bad way. */
  direction: Direction;
  /** IANA timezone of the KPI's calendar, for the seasonal baseline. */
  timezone: string;
  /** Threshold steps from people's feedback ("not real" +1, "missed" −1); see tuning.ts. */
  feedbackSteps?: number;
}

/** The short-term channel averages this many standardised deviations: a shift of 3 sigmas stands out within a few points. */
export const MEAN_POINTS = 6;
/** Values kept to restart the level from after a confirmed shift. */
export const REBASE_POINTS = 8;
/**
 * Deviations join the history this many points late, and only if no alarm was raised in the
 * meantime: a drift or a slow shift must not teach the history that it is normal before it
 * has had the chance to stand out (the history would otherwise mask it as it grows).
 */
export const CALIBRATION_DELAY = 24;
/** During an episode the deviation history stops learning (an incident must not teach that incidents are normal), for at most this many points. */
export const EPISODE_UNLEARNED_POINTS = 96;

/**
 * The share of the false-alarm rate each channel may use (a weighted Bonferroni): the point
 * and mean channels split it as before, and the spread channel gets a small share, because its
 * history is strongly autocorrelated (a window of DISPERSION_POINTS moves one point at a time),
 * so its tail is estimated from fewer independent values and must prove more.
 */
export const WEIGHT_POINT = 0.45;
export const WEIGHT_MEAN = 0.45;
export const WEIGHT_SPREAD = 0.1;

/** The way that hurts: a KPI that should be high is watched for drops, one that should be low for rises. */
export function defaultAnomalyDirection(direction: Direction): AnomalyDirection {
  return direction === 'higher_is_better' ? 'down' : direction === 'lower_is_better' ? 'up' : 'both';
}

/** A deviation to `side` counts under `direction`; a gap (side 0) counts whichever way is watched. */
export function isWatched(direction: AnomalyDirection, side: -1 | 0 | 1): boolean {
  if (side === 0 || direction === 'both') return true;
  return direction === 'up' ? side > 0 : side < 0;
}

/**
 * One KPI series' anomaly detection. Per point:
 *   1. each baseline (rolling median, Holt, daily/weekly profile) forecasts the value; the
 *      one with the smallest recent forecast error is used (selection.ts);
 *   2. the deviation is standardised, z = (value − expected) / scale, with the scale never
 *      below the series' own long-run noise floor (noise-floor.ts);
 *   3. z, the mean of the last MEAN_POINTS z and the spread of the last DISPERSION_POINTS z
 *      (dispersion.ts) are each scored by their tail probability against this KPI's own
 *      history of them (likelihood.ts), combined by a weighted Bonferroni: p = min(p_i / w_i)
 *      over the voting channels, weights normalised to 1 (the spread abstains on counts);
 *   4. score = pToScore(p); a gap run scores on the same scale (missing.ts);
 *   5. one alarm per episode (episode.ts).
 * Until the deviation history holds enough points the detector is "learning": score 0,
 * no band, only missing data flags. Backtest and the live path both drive this class
 * point by point, so they agree by construction.
 *
 * Points must come in increasing `ts`; a point at or before the last one is scored but
 * not learned (a re-sent point is not learned twice). Points inside an excluded interval
 * (a user said "expected: campaign") are scored but not learned.
 */
export class KpiDetector {
  readonly direction: AnomalyDirection;
  readonly #enabled: boolean;
  readonly #voters: ReadonlySet<DetectorName>;
  readonly #forecasters: ReadonlySet<string>;
  readonly #pointVotes: boolean;
  readonly #sensitivity: Sensitivity;
  /** The surprise (−log10 p) a point must reach, and the score that is. */
  #surprise = 0;
  #threshold = 0;
  readonly #robust = new RobustDetector();
  readonly #holt = new HoltDetector();
  readonly #seasonal: SeasonalDetector;
  readonly #levelShift: LevelShiftDetector;
  readonly #missing = new MissingDetector();
  readonly #floor = new NoiseFloor();
  readonly #selector = new BaselineSelector();
  readonly #episode = new EpisodeTracker();
  readonly #pointTail = new TailCalibrator();
  readonly #meanTail = new TailCalibrator();
  readonly #dispersion = new DispersionWindow();
  readonly #dispersionTail = new TailCalibrator(LIKELIHOOD_HISTORY, DISPERSION_MIN_EXCESS);
  readonly #zs = new Float64Array(MEAN_POINTS);
  #zCount = 0;
  #zSum = 0;
  readonly #recent: number[] = [];
  /** Deviations waiting to be learned: [point z, short-term mean z or NaN, log dispersion or NaN]. */
  #pending: Array<[number, number, number]> = [];
  #episodePoints = 0;
  /** Excluded [from, to) intervals not yet passed. */
  #excluded: Array<[number, number]> = [];
  #lastTs = -Infinity;

  constructor(settings: Partial<DetectionSettings>, options: KpiDetectorOptions) {
    this.#sensitivity = settings.sensitivity ?? DEFAULT_SENSITIVITY;
    this.#enabled = settings.enabled ?? true;
    this.direction = settings.direction ?? defaultAnomalyDirection(options.direction);
    this.#voters = new Set(settings.detectors?.length ? settings.detectors : DETECTORS);
    // `detectors` says which may vote; a forecast is still needed to measure a shift against, so with no
    // baseline listed (say, level shift only) every baseline may forecast, but the point channel stays silent
    this.#pointVotes = BASELINES.some((b) => this.#voters.has(b));
    this.#forecasters = this.#pointVotes ? this.#voters : new Set<string>(BASELINES);
    this.#seasonal = new SeasonalDetector(options.timezone);
    this.#levelShift = new LevelShiftDetector(SENSITIVITY_Z[this.#sensitivity]);
    this.setFeedbackSteps(options.feedbackSteps ?? 0);
  }

  /** People's feedback moved this KPI's threshold (bounded in surpriseThreshold). */
  setFeedbackSteps(steps: number): void {
    this.#surprise = surpriseThreshold(this.#sensitivity, steps);
    this.#threshold = surpriseToScore(this.#surprise);
  }

  /** The score a point must reach to flag, after feedback. */
  get threshold(): number {
    return this.#threshold;
  }

  /** Points with from ≤ ts < to are scored but not learned. */
  exclude(fromMs: number, toMs: number): void {
    if (!(toMs > fromMs)) return;
    this.#excluded.push([fromMs, toMs]);
  }

  #isExcluded(ts: number): boolean {
    if (this.#excluded.length === 0) return false;
    // intervals wholly in the past are dropped: ts only moves forward, so the list stays short
    if (this.#excluded.some(([, to]) => to <= ts)) this.#excluded = this.#excluded.filter(([, to]) => to > ts);
    return this.#excluded.some(([from, to]) => from <= ts && ts < to);
  }

  /** The tail probability of `x` the watched way(s), and the side it deviates to. */
  #tailP(tail: TailCalibrator, x: number): { p: number; side: -1 | 0 | 1 } {
    const side = x > 0 ? 1 : x < 0 ? -1 : 0;
    if (this.direction === 'up') return { p: x > 0 ? tail.upperP(x) : 1, side };
    if (this.direction === 'down') return { p: x < 0 ? tail.lowerP(x) : 1, side };
    return { p: Math.min(1, 2 * Math.min(tail.upperP(x), tail.lowerP(x))), side };
  }

  /**
   * The tail probability of a log dispersion: a noisier KPI swings the bad way too, so more spread
   * counts whichever way is watched; less spread (a frozen value) only when both ways are.
   */
  #dispersionP(d: number): number {
    const up = this.#dispersionTail.upperP(d);
    if (this.direction !== 'both') return up;
    return Math.min(1, 2 * Math.min(up, this.#dispersionTail.lowerP(d)));
  }

  update(ts: number, value: number | null): DetectionPoint {
    const v = value === null || Number.isFinite(value) ? value : null;
    const baselines: Record<Baseline, Assessment> = {
      robust: this.#robust.assess(v),
      holt: this.#holt.assess(v),
      seasonal: this.#seasonal.assess(ts, v),
    };
    const chosen = this.#selector.choose(baselines, this.#forecasters);
    const model = chosen === null ? null : baselines[chosen];
    let z: number | null = null;
    let scale: number | null = null;
    if (model !== null && model.expected !== null && model.scale !== null) {
      scale = this.#floor.apply(model.scale, model.expected);
      if (v !== null) z = (v - model.expected) / scale;
    }
    // the short-term channel measures against a level that does not follow trends (the profile or the rolling median, whichever forecasts better):
    // a forecaster that follows a drift or a new level within a few points would explain the shift away
    const levelName = this.#selector.chooseLevel(baselines, this.#forecasters);
    const level = levelName === null ? model : baselines[levelName];
    let zLevel: number | null = null;
    if (level !== null && level.expected !== null && level.scale !== null && v !== null)
      zLevel = (v - level.expected) / this.#floor.apply(level.scale, level.expected);
    const zMean = zLevel === null || this.#zCount < MEAN_POINTS - 1 ? null : (this.#zSum - this.#oldestZ() + zLevel) / MEAN_POINTS;
    const spreadNow = this.#dispersion.spread(v);
    const hour = this.#seasonal.bucketOf(ts) % 24;
    const dispersion = this.#dispersion.ratio(spreadNow, hour);
    const learning = model === null || !this.#pointTail.ready;

    let raw = 0;
    let decider: DetectorName | null = this.#pointVotes
      ? chosen
      : this.#voters.has('level_shift') && chosen !== null
        ? 'level_shift'
        : null;
    if (!learning && z !== null) {
      const meanVotes = this.#voters.has('level_shift');
      const point = this.#pointVotes ? this.#tailP(this.#pointTail, z) : { p: 1, side: 0 };
      const mean = zMean !== null && meanVotes ? this.#tailP(this.#meanTail, zMean) : { p: 1, side: 0 };
      // counts and zero-heavy series: their spread follows their level (Poisson, activity or none), so
      // a change of spread is a change of level, which the other channels judge; the spread abstains
      const spreadVotes = this.#voters.has('variance_change') && !this.#floor.countLike && !this.#floor.zeroHeavy;
      const spread = dispersion !== null && spreadVotes ? this.#dispersionP(dispersion) : 1;
      // a weighted Bonferroni over the channels that vote: each may use its weight's share of the false-alarm rate
      const total = (this.#pointVotes ? WEIGHT_POINT : 0) + (meanVotes ? WEIGHT_MEAN : 0) + (spreadVotes ? WEIGHT_SPREAD : 0);
      const pointQ = (total * point.p) / WEIGHT_POINT;
      const meanQ = (total * mean.p) / WEIGHT_MEAN;
      const spreadQ = (total * spread) / WEIGHT_SPREAD;
      raw = total === 0 ? 0 : pToScore(Math.min(1, pointQ, meanQ, spreadQ));
      if (meanQ < pointQ && meanQ <= spreadQ) decider = 'level_shift';
      else if (spreadQ < pointQ && spreadQ < meanQ) decider = 'variance_change';
    }
    const missing = this.#missing.assess(v);
    if (this.#voters.has('missing') && missing.ratio > 0 && isWatched(this.direction, missing.side)) {
      const m = surpriseToScore(this.#surprise * missing.ratio);
      if (m > 0 && m >= raw) {
        raw = m;
        decider = 'missing';
      }
    }
    const learns = ts > this.#lastTs && !this.#isExcluded(ts);
    const shown = this.#enabled ? raw : 0;
    const episode = this.#episode.step(shown, this.#threshold, ts > this.#lastTs);

    let lower: number | null = null;
    let upper: number | null = null;
    if (!learning && this.#pointVotes && model?.expected != null && scale !== null) {
      const p = Math.pow(10, -this.#surprise) / (this.direction === 'both' ? 4 : 2);
      const up = this.#pointTail.quantile(p, 1);
      const down = this.#pointTail.quantile(p, -1);
      if (up !== null && down !== null) {
        upper = model.expected + Math.max(0, up) * scale;
        lower = model.expected + Math.min(0, down) * scale;
      }
    }

    if (learns) this.#learn(ts, v, baselines, z, zLevel, spreadNow, dispersion, hour);
    if (ts > this.#lastTs) this.#lastTs = ts;

    return {
      ts,
      value: v,
      score: episode.score,
      lower,
      upper,
      flag: episode.alarm,
      detector: decider,
      learning,
      held: episode.held,
    };
  }

  #oldestZ(): number {
    return this.#zCount < MEAN_POINTS ? 0 : (this.#zs[this.#zCount % MEAN_POINTS] as number);
  }

  #learn(
    ts: number,
    v: number | null,
    baselines: Record<Baseline, Assessment>,
    z: number | null,
    zLevel: number | null,
    spreadNow: number | null,
    dispersion: number | null,
    hour: number,
  ): void {
    this.#selector.learn(baselines, v);
    this.#robust.learn(v);
    this.#holt.learn(v);
    this.#seasonal.learn(ts, v);
    this.#missing.learn(v);
    this.#floor.learn(v);
    // an incident's spread is not the usual one
    this.#dispersion.learn(v, this.#episode.active ? null : spreadNow, hour);
    if (v !== null) {
      this.#recent.push(v);
      if (this.#recent.length > REBASE_POINTS) this.#recent.shift();
    }
    this.#episodePoints = this.#episode.active ? this.#episodePoints + 1 : 0;
    if (z === null) return;
    let zMean = NaN;
    if (zLevel !== null) {
      const i = this.#zCount % MEAN_POINTS;
      this.#zSum += zLevel - (this.#zCount >= MEAN_POINTS ? (this.#zs[i] as number) : 0);
      this.#zs[i] = zLevel;
      this.#zCount++;
      if (this.#zCount >= MEAN_POINTS) zMean = this.#zSum / MEAN_POINTS;
    }
    const calibrates = !this.#episode.active || this.#episodePoints > EPISODE_UNLEARNED_POINTS;
    // an alarm drops what waited: the run-up to an incident is not normal either
    if (this.#episodePoints === 1) this.#pending = [];
    if (!calibrates) return;
    this.#pending.push([z, zMean, dispersion ?? NaN]);
    // while the history is too short to judge anything, learn at once
    const delay = this.#pointTail.ready ? CALIBRATION_DELAY : 0;
    while (this.#pending.length > delay) {
      const [pz, pm, pd] = this.#pending.shift() as [number, number, number];
      this.#pointTail.learn(pz);
      if (!Number.isNaN(pm)) this.#meanTail.learn(pm);
      if (!Number.isNaN(pd)) this.#dispersionTail.learn(pd);
    }
    // a shift confirmed by the CUSUM during an alarmed episode: restart the levels on the new values
    if (this.#levelShift.learn(z) && this.#episode.active) this.#rebaseline();
  }

  #rebaseline(): void {
    const recent = this.#recent.slice(-REBASE_POINTS);
    if (recent.length === 0) return;
    const sorted = [...recent].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1] as number;
    this.#holt.rebaseline(median);
    this.#robust.rebaseline(recent);
    this.#seasonal.rebaseline();
    this.#zCount = 0;
    this.#zSum = 0;
  }
}
