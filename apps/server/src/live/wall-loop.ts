import type { Logger } from 'pino';
import type { KpiState, Milestone, ObjectiveState } from '@northstar/shared';
import { MilestoneTracker } from '../align/milestones.ts';
import { rollupObjectives } from '../align/rollup.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { ModelService } from '../model/model-service.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import type { LiveHub } from './hub.ts';

export interface WallLoopOptions {
  evaluator: KpiEvaluator;
  model: ModelService;
  hub: LiveHub;
  repo: ModelRepo;
  log: Logger;
  intervalMs: number;
}

/**
 * The evaluation tick: KPIs, then the objectives they roll up into, then milestones,
 * then one publish to the hub. Pure parts live in evaluate/ and align/; this wires them.
 */
export class WallLoop {
  readonly #opts: WallLoopOptions;
  readonly #tracker = new MilestoneTracker();
  #objectiveStates = new Map<string, ObjectiveState>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: WallLoopOptions) {
    this.#opts = opts;
  }

  async start(): Promise<void> {
    this.#tracker.seed(await this.#opts.repo.milestones(10_000));
    this.tick(Date.now());
    this.#timer = setInterval(() => this.tick(Date.now()), this.#opts.intervalMs);
  }

  objectiveState(id: string): ObjectiveState | undefined {
    return this.#objectiveStates.get(id);
  }

  objectiveStates(): ObjectiveState[] {
    return [...this.#objectiveStates.values()];
  }

  tick(nowMs: number): void {
    const { evaluator, model, hub } = this.#opts;
    const result = evaluator.evaluate(nowMs);
    const kpiStates = new Map<string, KpiState>(evaluator.states().map((s) => [s.id, s]));
    const next = rollupObjectives({ objectives: model.objectives, kpis: model.kpis }, kpiStates);
    const changedObjectives: ObjectiveState[] = [];
    for (const [id, state] of next) {
      if (JSON.stringify(this.#objectiveStates.get(id)) !== JSON.stringify(state)) changedObjectives.push(state);
    }
    this.#objectiveStates = next;
    hub.publish(result.changed, result.sparks, changedObjectives);
    this.#celebrate(kpiStates, nowMs);
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
    clearInterval(this.#timer);
  }
}
