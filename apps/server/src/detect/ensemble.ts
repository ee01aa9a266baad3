import type { AnomalyDirection, DetectionPoint, DetectionSettings, DetectorName, Direction } from '@northstar/shared';
import { DETECTORS } from '@northstar/shared';
import { HoltDetector } from './holt.ts';
import { LevelShiftDetector } from './level-shift.ts';
import { MissingDetector } from './missing.ts';
import { RobustDetector } from './robust.ts';
import { SENSITIVITY_Z, scoreThreshold, type Assessment } from './score.ts';
import { SeasonalDetector } from './seasonal.ts';

export interface KpiDetectorOptions {
  /** The KPI's direction: the anomaly direction defaults to its bad way. */
  direction: Direction;
  /** IANA timezone of the KPI's calendar, for the seasonal baseline. */
  timezone: string;
}

/** The baselines whose band is drawn when nothing stands out, richest model first. */
const BASELINE_PREFERENCE = ['seasonal', 'holt', 'robust'] as const;
type Baseline = (typeof BASELINE_PREFERENCE)[number];

/** The way that hurts: a KPI that should be high is watched for drops, one that should be low for rises. */
export function defaultAnomalyDirection(direction: Direction): AnomalyDirection {
  return direction === 'higher_is_better' ? 'down' : direction === 'lower_is_better' ? 'up' : 'both';
}

/** A deviation to `side` counts under `direction`; a gap (side 0) counts whichever way is watched. */
export function isWatched(direction: AnomalyDirection, side: -1 | 0 | 1): boolean {
  if (side === 0 || direction === 'both') return true;
  return direction === 'up' ? side > 0 : side < 0;
}

interface Vote {
  name: DetectorName;
  score: number;
  side: -1 | 0 | 1;
  lower: number | null;
  upper: number | null;
}

/**
 * One KPI series' anomaly detection: every detector sees every point, the enabled ones
 * vote, and the most confident vote in the watched direction decides. Backtest and the
 * live path both drive this class point by point, so they agree by construction.
 *
 * Points must come in increasing `ts`; a point at or before the last one is scored but
 * not learned (a re-sent point is not learned twice). Points inside an excluded interval
 * (a user said "expected: campaign") are scored but not learned into any baseline.
 */
export class KpiDetector {
  readonly direction: AnomalyDirection;
  readonly #enabled: boolean;
  readonly #voters: ReadonlySet<DetectorName>;
  readonly #threshold: number;
  /** The band comes from the deciding detector from this score on (any sensitivity's threshold), else from the steady baseline. */
  readonly #bandFromDeciderAt = scoreThreshold('high');
  readonly #robust = new RobustDetector();
  readonly #holt = new HoltDetector();
  readonly #seasonal: SeasonalDetector;
  readonly #levelShift: LevelShiftDetector;
  readonly #missing = new MissingDetector();
  /** Excluded [from, to) intervals not yet passed. */
  #excluded: Array<[number, number]> = [];
  #lastTs = -Infinity;

  constructor(settings: Partial<DetectionSettings>, options: KpiDetectorOptions) {
    const sensitivity = settings.sensitivity ?? 'medium';
    this.#enabled = settings.enabled ?? true;
    this.direction = settings.direction ?? defaultAnomalyDirection(options.direction);
    this.#voters = new Set(settings.detectors?.length ? settings.detectors : DETECTORS);
    this.#threshold = scoreThreshold(sensitivity);
    this.#seasonal = new SeasonalDetector(options.timezone);
    this.#levelShift = new LevelShiftDetector(SENSITIVITY_Z[sensitivity]);
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

  update(ts: number, value: number | null): DetectionPoint {
    const v = value === null || Number.isFinite(value) ? value : null;
    const baselines: Record<Baseline, Assessment> = {
      robust: this.#robust.assess(v),
      holt: this.#holt.assess(v),
      seasonal: this.#seasonal.assess(ts, v),
    };
    // the level-shift CUSUM runs on the seasonal baseline's residuals (Holt's would be autocorrelated by its lag on
    // a daily curve, and Holt absorbs a shift within a few points anyway)
    const reference = baselines.seasonal;
    const shift = this.#levelShift.assess(reference.z);
    const missing = this.#missing.assess(v);

    // one baseline votes: the richest enabled one that is ready (a weekday-and-hour profile beats a
    // rolling level, which on a seasonal series calls every Monday morning a spike)
    const steady = BASELINE_PREFERENCE.find((name) => this.#voters.has(name) && baselines[name].expected !== null);
    const votes: Vote[] = [];
    if (steady !== undefined) {
      const a = baselines[steady];
      votes.push({ name: steady, score: a.score, side: a.side, lower: a.lower, upper: a.upper });
    }
    if (reference.expected !== null)
      votes.push({ name: 'level_shift', score: shift.score, side: shift.side, lower: reference.lower, upper: reference.upper });
    votes.push({ name: 'missing', score: missing.score, side: missing.side, lower: null, upper: null });

    let best: Vote | null = null;
    for (const vote of votes) {
      if (!this.#voters.has(vote.name) || !isWatched(this.direction, vote.side)) continue;
      if (vote.score > 0 && (best === null || vote.score > best.score)) best = vote;
    }
    const steadyBand = steady === undefined ? null : baselines[steady];
    const score = this.#enabled && best !== null ? best.score : 0;
    const decider = score > 0 && best !== null ? best : null;
    const band = decider !== null && decider.lower !== null && score >= this.#bandFromDeciderAt ? decider : steadyBand;

    if (ts > this.#lastTs && !this.#isExcluded(ts)) {
      this.#robust.learn(v);
      this.#holt.learn(v);
      this.#seasonal.learn(ts, v);
      this.#missing.learn(v);
      if (this.#levelShift.learn(reference.z)) this.#seasonal.rebaseline();
    }
    if (ts > this.#lastTs) this.#lastTs = ts;

    return {
      ts,
      value: v,
      score,
      lower: band?.lower ?? null,
      upper: band?.upper ?? null,
      flag: score >= this.#threshold && score > 0,
      detector: decider?.name ?? steady ?? null,
    };
  }
}
