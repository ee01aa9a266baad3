import type { Logger } from 'pino';
import type { KpiDefinition } from '@northstar/shared';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { LiveHub } from '../live/hub.ts';
import type { WallLoop } from '../live/wall-loop.ts';
import type { DetectionRunner } from '../watch/detection-runner.ts';
import type { ModelChange } from './model-service.ts';

/**
 * Carries a stored model change to the live path: a changed KPI gets fresh window state
 * rebuilt from the store, then every wall gets a new snapshot.
 */
export function applyModelChanges(
  deps: {
    evaluator: KpiEvaluator;
    detection: DetectionRunner;
    /** Fresh windows from the store, counting each event once (evaluate/live-rebuild.ts). */
    rebuild: (defs: readonly KpiDefinition[]) => Promise<void>;
    hub: LiveHub;
    loop: WallLoop;
    log: Logger;
  },
  changes: readonly ModelChange[],
): Promise<void> {
  const rebuilt: KpiDefinition[] = [];
  for (const change of changes) {
    if (change.kind !== 'kpi') continue;
    if (change.definition) rebuilt.push(change.definition);
    else {
      deps.evaluator.remove(change.id);
      deps.detection.remove(change.id);
    }
  }
  return deps
    .rebuild(rebuilt)
    .catch((err: Error) =>
      deps.log.error({ err: err.message, kpis: rebuilt.map((k) => k.id) }, 'could not rebuild KPI windows from the store'),
    )
    .then(() => {
      for (const kpi of rebuilt) void deps.detection.upsert(kpi, Date.now());
      deps.loop.tick(Date.now());
      deps.hub.resync();
    });
}
