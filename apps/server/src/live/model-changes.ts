import type { Logger } from 'pino';
import type { KpiDefinition } from '@northstar/shared';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { ModelChange } from '../model/model-service.ts';
import type { DetectionRunner } from '../watch/detection-runner.ts';
import type { WallService } from './wall-service.ts';

export interface ModelChangeDeps {
  evaluator: Pick<KpiEvaluator, 'remove'>;
  detection: Pick<DetectionRunner, 'remove' | 'upsert'>;
  /**
   * Fresh window state for these KPIs, rebuilt from the store while the count ledger holds
   * new events, so each event counts once (evaluate/live-rebuild.ts).
   */
  rebuild: (kpis: readonly KpiDefinition[]) => Promise<void>;
  wall: Pick<WallService, 'admit' | 'modelChanged'>;
  log: Logger;
}

/**
 * Carries a stored model change to the live path: a changed KPI gets fresh window state
 * rebuilt from the store and a fresh detector, then the wall service ticks and every wall
 * gets a new snapshot.
 */
export function applyModelChanges(deps: ModelChangeDeps, changes: readonly ModelChange[]): Promise<void> {
  const rebuilt: KpiDefinition[] = [];
  for (const change of changes) {
    if (change.kind !== 'kpi') continue;
    if (change.definition) rebuilt.push(change.definition);
    else {
      deps.evaluator.remove(change.id);
      deps.detection.remove(change.id);
    }
  }
  // the rebuild upserts the windows before its first await, so the wall can answer for them now
  const rebuilding = deps.rebuild(rebuilt);
  deps.wall.admit(rebuilt.map((k) => k.id));
  return rebuilding
    .catch((err: Error) =>
      deps.log.error({ err: err.message, kpis: rebuilt.map((k) => k.id) }, 'could not rebuild KPI windows from the store'),
    )
    .then(() => {
      for (const kpi of rebuilt) void deps.detection.upsert(kpi, Date.now());
      deps.wall.modelChanged(Date.now());
    });
}
