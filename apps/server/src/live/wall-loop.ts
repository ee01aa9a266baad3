import type { Logger } from 'pino';
import { kpiHealthMap, type KpiHealth, type KpiState, type Milestone, type ObjectiveState } from '@northstar/shared';
import { MilestoneTracker } from '../align/milestones.ts';
import { rollupObjectives } from '../align/rollup.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { ModelService } from '../model/model-service.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import type { AlertEngine } from '../watch/alert-engine.ts';
import type { DetectionRunner } from '../watch/detection-runner.ts';
import type { LiveHub } from './hub.ts';

export interface WallLoopOptions {
  evaluator: KpiEvaluator;
  model: ModelService;
  hub: LiveHub;
  repo: ModelRepo;
  detection: DetectionRunner;
  alerts: AlertEngine;
  log: Logger;
  intervalMs: number;
  /**
   * Evaluate right after stored events reach the evaluator (and publish what changed)
   * instead of waiting for the next tick; detectors, alerts and milestones stay on the tick.
   */
  onWrite?: { subscribe: (listener: () => void) => void; minIntervalMs: number };
}

/**
 * The evaluation tick: KPIs, their anomaly detectors, the objectives they roll up into,
 * alert rules, milestones, then one publish to the hub. Pure parts live in evaluate/,
 * detect/, align/ and alerts/; this wires them.
 */
export class WallLoop {
  readonly #opts: WallLoopOptions;
  readonly #tracker = new MilestoneTracker();
  #objectiveStates = new Map<string, ObjectiveState>();
  /** Every KPI's health as of the last evaluation: what the roll-up used, so the API and the tree agree with it. */
  #health = new Map<string, KpiHealth>();
  #timer: NodeJS.Timeout | undefined;
  #quickTimer: NodeJS.Timeout | undefined;
  #lastQuickAt = 0;
  #running = false;

  constructor(opts: WallLoopOptions) {
    this.#opts = opts;
    opts.onWrite?.subscribe(() => this.#scheduleQuick());
  }

  /** Coalesces writes: one evaluation per `minIntervalMs` at most, the first one at once. */
  #scheduleQuick(): void {
    if (!this.#running || this.#quickTimer || !this.#opts.onWrite) return;
    const wait = Math.max(0, this.#lastQuickAt + this.#opts.onWrite.minIntervalMs - Date.now());
    this.#quickTimer = setTimeout(() => {
      this.#quickTimer = undefined;
      if (!this.#running) return;
      this.#lastQuickAt = Date.now();
      this.#evaluateAndPublish(this.#lastQuickAt, false);
    }, wait);
  }

  async start(): Promise<void> {
    this.#tracker.seed(await this.#opts.repo.milestones(10_000));
    this.#running = true;
    this.tick(Date.now());
    this.#timer = setInterval(() => this.tick(Date.now()), this.#opts.intervalMs);
  }

  objectiveState(id: string): ObjectiveState | undefined {
    return this.#objectiveStates.get(id);
  }

  objectiveStates(): ObjectiveState[] {
    return [...this.#objectiveStates.values()];
  }

  /** A KPI's state with the detectors' latest word on it: what the API and the wall show. */
  kpiState(id: string): KpiState | undefined {
    const state = this.#opts.evaluator.state(id);
    return state && { ...state, anomaly: this.#opts.detection.anomaly(id) };
  }

  /** The status a KPI is shown with (the shared status model), as of the last evaluation. */
  kpiHealth(id: string): KpiHealth | undefined {
    return this.#health.get(id);
  }

  tick(nowMs: number): void {
    const kpiStates = this.#evaluateAndPublish(nowMs, true);
    this.#opts.alerts.tick(nowMs);
    this.#celebrate(kpiStates, nowMs);
  }

  /** Evaluates every KPI, rolls objectives up, and publishes what changed (and the KPIs whose detectors stepped). */
  #evaluateAndPublish(nowMs: number, stepDetectors: boolean): Map<string, KpiState> {
    const { evaluator, model, hub, detection } = this.#opts;
    const result = evaluator.evaluate(nowMs);
    const stepped = stepDetectors ? detection.tick(nowMs) : [];
    const changedIds = new Set([...result.changed.map((s) => s.id), ...stepped]);
    const changed = [...changedIds].flatMap((id) => {
      const state = this.kpiState(id);
      return state ? [state] : [];
    });
    const kpiStates = new Map<string, KpiState>(evaluator.states().map((s) => [s.id, s]));
    // the status model: a KPI with a firing alert counts at risk in its objectives (alerts as of the last tick)
    const statuses = [...kpiStates.values()].map((s) => [s.id, s.status] as [string, KpiState['status']]);
    this.#health = kpiHealthMap(statuses, this.#opts.alerts.list(nowMs));
    const next = rollupObjectives({ objectives: model.objectives, kpis: model.kpis }, kpiStates, this.#health);
    const changedObjectives: ObjectiveState[] = [];
    for (const [id, state] of next) {
      if (JSON.stringify(this.#objectiveStates.get(id)) !== JSON.stringify(state)) changedObjectives.push(state);
    }
    this.#objectiveStates = next;
    hub.publish(changed, result.sparks, changedObjectives);
    return kpiStates;
  }

  #celebrate(kpiStates: Map<string, KpiState>, nowMs: number): void {
    const { model, hub, repo, log } = this.#opts;
    const names = new Map<string, string>([...model.kpis, ...model.objectives].map((d) => [d.id, d.name]));
    const reached: Milestone[] = this.#tracker.observe(
      [...kpiStates.values()].map((s) => ({ ...s, name: names.get(s.id) ?? s.id })),
      [...this.#objectiveStates.values()].map((s) => ({ ...s, name: names.get(s.id) ?? s.id })),
      nowMs,
    );
    for (const m of reached) {
      hub.celebrate(m);
      repo.addMilestone(m).catch((err: Error) => log.warn({ err: err.message, milestone: m }, 'could not store a milestone'));
    }
  }

  stop(): void {
    this.#running = false;
    clearInterval(this.#timer);
    clearTimeout(this.#quickTimer);
  }
}
