import type { Logger } from 'pino';
import { kpiHealthMap, type KpiHealth, type KpiState, type Milestone, type ObjectiveState, type SeriesPoint } from '@northstar/shared';
import { MilestoneTracker } from '../align/milestones.ts';
import { rollupObjectives } from '../align/rollup.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { ModelService } from '../model/model-service.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import type { AlertEngine } from '../watch/alert-engine.ts';
import type { DetectionRunner } from '../watch/detection-runner.ts';
import type { SnapshotMessage } from './snapshot-cache.ts';
import type { WallListener } from './wall-listener.ts';

export interface WallServiceDeps {
  evaluator: Pick<KpiEvaluator, 'evaluate' | 'states' | 'state'>;
  detection: Pick<DetectionRunner, 'tick' | 'anomaly'>;
  alerts: Pick<AlertEngine, 'list' | 'tick' | 'onAlertChanged'>;
  model: Pick<ModelService, 'objectives' | 'kpis' | 'goals'>;
  milestones: Pick<ModelRepo, 'milestones' | 'addMilestone'>;
  log: Logger;
}

/** Milestones read back on start, so one reached before a restart is not celebrated again. */
const SEEDED_MILESTONES = 10_000;

/**
 * The wall's state and the one place it changes: each evaluation assembles every KPI's state
 * (the evaluator's figures with the detectors' word), the status model, the objective
 * roll-ups and milestones, keeps them, and publishes what changed to its listeners. Alerts
 * reach the listeners through here too. The API, the snapshot and the deltas all read what
 * this holds, so they agree. Pure parts live in evaluate/, detect/, align/ and alerts/.
 */
export class WallService {
  readonly #deps: WallServiceDeps;
  readonly #tracker = new MilestoneTracker();
  readonly #listeners: WallListener[] = [];
  /** Every KPI's state as of the last evaluation, with the detectors' latest word. */
  #kpis = new Map<string, KpiState>();
  /** Every KPI's newest sparkline (the evaluator redraws one only when it changed). */
  readonly #sparks = new Map<string, SeriesPoint[]>();
  #objectives = new Map<string, ObjectiveState>();
  /** Every KPI's health as of the last evaluation: what the roll-up used, so the API and the tree agree with it. */
  #health = new Map<string, KpiHealth>();

  constructor(deps: WallServiceDeps) {
    this.#deps = deps;
    deps.alerts.onAlertChanged((alert) => this.#emit((l) => l.alertChanged(alert)));
  }

  subscribe(listener: WallListener): void {
    this.#listeners.push(listener);
  }

  #emit(send: (listener: WallListener) => void): void {
    for (const l of this.#listeners) send(l);
  }

  /** Reads back the milestones already reached. */
  async start(): Promise<void> {
    this.#tracker.seed(await this.#deps.milestones.milestones(SEEDED_MILESTONES));
  }

  /** A KPI's state with the detectors' latest word on it: what the API and the wall show. */
  kpiState(id: string): KpiState | undefined {
    return this.#kpis.get(id);
  }

  /** The status a KPI is shown with (the shared status model), as of the last evaluation. */
  kpiHealth(id: string): KpiHealth | undefined {
    return this.#health.get(id);
  }

  objectiveState(id: string): ObjectiveState | undefined {
    return this.#objectives.get(id);
  }

  objectiveStates(): ObjectiveState[] {
    return [...this.#objectives.values()];
  }

  /** The whole wall, for a client that holds nothing yet. */
  snapshot(nowMs: number): SnapshotMessage {
    const { model, alerts } = this.#deps;
    return {
      type: 'snapshot',
      serverTime: nowMs,
      objectives: model.objectives.flatMap((definition) => {
        const state = this.#objectives.get(definition.id);
        return state ? [{ definition, state }] : [];
      }),
      kpis: model.kpis.flatMap((definition) => {
        const state = this.#kpis.get(definition.id);
        return state ? [{ definition, state, spark: this.#sparks.get(definition.id) ?? [] }] : [];
      }),
      goals: model.goals,
      alerts: alerts.list(nowMs),
    };
  }

  /** The full tick: KPIs and their detectors, objectives, alert rules, then milestones. */
  tick(nowMs: number): void {
    this.#assemble(nowMs, true);
    this.#deps.alerts.tick(nowMs);
    this.#celebrate(nowMs);
  }

  /** Right after a write: KPIs and objectives only; detectors, alerts and milestones wait for the tick. */
  refresh(nowMs: number): void {
    this.#assemble(nowMs, false);
  }

  /**
   * KPIs just saved, their windows still being rebuilt: kept at once so the API answers for
   * them as soon as the save returns (read your writes), but not published; the walls hear
   * of them once, after the rebuild (modelChanged). A KPI already held keeps its state.
   */
  admit(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.#kpis.has(id)) continue;
      const state = this.#deps.evaluator.state(id);
      if (state) this.#kpis.set(id, { ...state, anomaly: this.#deps.detection.anomaly(id) });
    }
  }

  /** The model changed (its KPIs' windows rebuilt): a full tick, then the whole wall goes out again. */
  modelChanged(nowMs: number): void {
    this.tick(nowMs);
    this.#emit((l) => l.resync());
  }

  /** Evaluates every KPI, rolls objectives up, keeps the result, and publishes what changed (and the KPIs whose detectors stepped). */
  #assemble(nowMs: number, stepDetectors: boolean): void {
    const { evaluator, model, detection, alerts } = this.#deps;
    const result = evaluator.evaluate(nowMs);
    const stepped = stepDetectors ? detection.tick(nowMs) : [];
    const kpis = new Map<string, KpiState>();
    for (const s of evaluator.states()) kpis.set(s.id, { ...s, anomaly: detection.anomaly(s.id) });
    this.#kpis = kpis;
    for (const { id, points } of result.sparks) this.#sparks.set(id, points);
    for (const id of this.#sparks.keys()) if (!kpis.has(id)) this.#sparks.delete(id);
    const changedIds = new Set([...result.changed.map((s) => s.id), ...stepped]);
    const changed = [...changedIds].flatMap((id) => kpis.get(id) ?? []);
    // the status model: a KPI with a firing alert counts at risk in its objectives (alerts as of the last tick)
    const statuses = [...kpis.values()].map((s) => [s.id, s.status] as [string, KpiState['status']]);
    this.#health = kpiHealthMap(statuses, alerts.list(nowMs));
    const next = rollupObjectives({ objectives: model.objectives, kpis: model.kpis }, kpis, this.#health);
    const changedObjectives: ObjectiveState[] = [];
    for (const [id, state] of next) {
      if (JSON.stringify(this.#objectives.get(id)) !== JSON.stringify(state)) changedObjectives.push(state);
    }
    this.#objectives = next;
    this.#emit((l) => l.publish(changed, result.sparks, changedObjectives));
  }

  #celebrate(nowMs: number): void {
    const { model, milestones, log } = this.#deps;
    const names = new Map<string, string>([...model.kpis, ...model.objectives].map((d) => [d.id, d.name]));
    const reached: Milestone[] = this.#tracker.observe(
      [...this.#kpis.values()].map((s) => ({ ...s, name: names.get(s.id) ?? s.id })),
      [...this.#objectives.values()].map((s) => ({ ...s, name: names.get(s.id) ?? s.id })),
      nowMs,
    );
    for (const m of reached) {
      this.#emit((l) => l.celebrate(m));
      milestones.addMilestone(m).catch((err: Error) => log.warn({ err: err.message, milestone: m }, 'could not store a milestone'));
    }
  }
}
