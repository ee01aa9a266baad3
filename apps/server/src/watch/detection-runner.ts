import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { DetectionPoint, DetectionTuning, KpiDefinition, KpiState } from '@northstar/shared';
import { KpiDetector } from '../detect/index.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import { querySeries } from '../store/series-query.ts';
import { detectionStepMs } from './detection-step.ts';

/** History fed to a new detector: two weeks lets the seasonal baseline see each weekday twice … */
const WARMUP_MS = 14 * 86_400_000;
/** … within a bound on points, so a fine-stepped KPI does not make start-up slow. */
const WARMUP_MAX_POINTS = 5000;
/** Recent points kept per KPI: enough for any "n of m" rule (m ≤ 100). */
const RECENT_POINTS = 100;

export type AnomalySummary = NonNullable<KpiState['anomaly']>;

interface Runtime {
  kpi: KpiDefinition;
  detector: KpiDetector;
  stepMs: number;
  nextAt: number;
  recent: DetectionPoint[];
  /** Still warming up from history: live steps wait. */
  warming: boolean;
}

/**
 * The KPI's anomaly state for the wall: anomalous for as long as the episode lasts (the detector
 * flags only its first point, so one incident is one alarm), with the episode's peak score.
 */
function summary(p: DetectionPoint): AnomalySummary {
  const inEpisode = p.held !== null && p.held !== undefined;
  return {
    score: inEpisode ? (p.held as number) : p.score,
    lower: p.lower,
    upper: p.upper,
    flag: inEpisode,
    detector: p.detector,
    learning: p.learning ?? false,
  };
}

/**
 * Feeds every KPI's value to its detectors at the KPI's detection step: the live side of
 * what /detect/backtest runs over history, with the same KpiDetector, so both agree.
 */
export class DetectionRunner {
  readonly #runtimes = new Map<string, Runtime>();
  readonly #deps: { evaluator: KpiEvaluator; clickhouse: ClickHouseClient; log: Logger };
  readonly #excluded = new Map<string, Array<[number, number]>>();
  /** Threshold steps from people's feedback, per KPI (see detect/tuning.ts). */
  #tuning = new Map<string, DetectionTuning>();

  constructor(deps: { evaluator: KpiEvaluator; clickhouse: ClickHouseClient; log: Logger }) {
    this.#deps = deps;
  }

  /** (Re)starts detection for a KPI, warmed up on its history; a KPI with detection off is dropped. */
  async upsert(kpi: KpiDefinition, nowMs: number): Promise<void> {
    this.#runtimes.delete(kpi.id);
    if (kpi.detection?.enabled === false) return;
    const stepMs = detectionStepMs(kpi);
    const detector = new KpiDetector(kpi.detection ?? {}, {
      direction: kpi.direction,
      timezone: kpi.timezone,
      feedbackSteps: this.#tuning.get(kpi.id)?.steps ?? 0,
    });
    for (const [from, to] of this.#excluded.get(kpi.id) ?? []) detector.exclude(from, to);
    const toMs = Math.floor(nowMs / stepMs) * stepMs;
    const runtime: Runtime = { kpi, detector, stepMs, nextAt: toMs + stepMs, recent: [], warming: true };
    this.#runtimes.set(kpi.id, runtime);
    try {
      const fromMs = toMs - Math.min(WARMUP_MS, WARMUP_MAX_POINTS * stepMs);
      const history = await querySeries(this.#deps.clickhouse, kpi, { fromMs, toMs, stepMs });
      // before its first event a KPI did not exist: that is not a gap to learn
      const first = history.findIndex(([, value]) => value !== null);
      // history teaches the baselines; only live points count toward "n of m" rules, so a
      // restart never fires on what was already seen
      if (first >= 0) for (const [ts, value] of history.slice(first)) detector.update(ts, value);
    } catch (err) {
      this.#deps.log.warn({ err: (err as Error).message, kpi: kpi.id }, 'detector warm-up from history failed; it learns live');
    }
    runtime.warming = false;
  }

  /** People's feedback moved thresholds: every running detector takes its KPI's new steps at once. */
  setTuning(tuning: Map<string, DetectionTuning>): void {
    this.#tuning = tuning;
    for (const [id, r] of this.#runtimes) r.detector.setFeedbackSteps(tuning.get(id)?.steps ?? 0);
  }

  get tuning(): ReadonlyMap<string, DetectionTuning> {
    return this.#tuning;
  }

  remove(id: string): void {
    this.#runtimes.delete(id);
  }

  /** A person said this interval was expected: the baselines must not learn it. */
  exclude(kpiId: string, fromMs: number, toMs: number): void {
    const list = this.#excluded.get(kpiId) ?? [];
    list.push([fromMs, toMs]);
    this.#excluded.set(kpiId, list);
    this.#runtimes.get(kpiId)?.detector.exclude(fromMs, toMs);
  }

  #push(r: Runtime, p: DetectionPoint): void {
    r.recent.push(p);
    if (r.recent.length > RECENT_POINTS) r.recent.shift();
  }

  /** Takes every step that is due; returns the ids whose anomaly summary changed. */
  tick(nowMs: number): string[] {
    const changed: string[] = [];
    for (const [id, r] of this.#runtimes) {
      if (r.warming || nowMs < r.nextAt) continue;
      // after a stall, skip to the current step rather than replay the same value many times
      if (nowMs - r.nextAt > r.stepMs) r.nextAt = Math.floor(nowMs / r.stepMs) * r.stepMs;
      const value = this.#deps.evaluator.state(id)?.value ?? null;
      this.#push(r, r.detector.update(r.nextAt, value));
      r.nextAt += r.stepMs;
      changed.push(id);
    }
    return changed;
  }

  anomaly(id: string): AnomalySummary | null {
    const last = this.#runtimes.get(id)?.recent.at(-1);
    return last && (last.detector !== null || last.learning) ? summary(last) : null;
  }

  /**
   * The newest `m` scores, oldest first, for "n of m" rules: each point counts its episode's
   * held peak while an anomaly episode lasts (one incident = one alert, not a flapping run),
   * else 0. An episode starts only over the KPI's (feedback-tuned) threshold the watched way,
   * so a rule's own score can raise the bar above the sensitivity but not lower it below.
   */
  recentScores(id: string, m: number): number[] {
    return (this.#runtimes.get(id)?.recent ?? []).slice(-m).map((p) => p.held ?? 0);
  }

  /** The flag threshold of a KPI's running detector (after feedback), if it runs. */
  threshold(id: string): number | undefined {
    return this.#runtimes.get(id)?.detector.threshold;
  }

  /** The detector behind the newest flagged point, for precision by detector. */
  lastDetector(id: string): string | null {
    const recent = this.#runtimes.get(id)?.recent ?? [];
    for (let i = recent.length - 1; i >= 0; i--) if (recent[i]?.flag) return recent[i]?.detector ?? null;
    return null;
  }
}
