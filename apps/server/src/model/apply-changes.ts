import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { KpiDefinition } from '@northstar/shared';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import { rebuildFromStore } from '../evaluate/rebuild.ts';
import type { LiveHub } from '../live/hub.ts';
import type { WallLoop } from '../live/wall-loop.ts';
import type { DetectionRunner } from '../watch/detection-runner.ts';
import type { ModelChange } from './model-service.ts';

/**
 * Carries a stored model change to the live path: a changed KPI gets fresh window state
 * rebuilt from the store, then every wall gets a new snapshot.
 */
export function applyModelChanges(
  deps: { evaluator: KpiEvaluator; detection: DetectionRunner; clickhouse: ClickHouseClient; hub: LiveHub; loop: WallLoop; log: Logger },
  changes: readonly ModelChange[],
): Promise<void> {
  const rebuilt: string[] = [];
  for (const change of changes) {
    if (change.kind !== 'kpi') continue;
    if (change.definition) {
      deps.evaluator.upsert(change.definition as KpiDefinition, { live: false });
      rebuilt.push(change.id);
    } else {
      deps.evaluator.remove(change.id);
      deps.detection.remove(change.id);
    }
  }
  const rebuild = rebuilt.length > 0 ? rebuildFromStore(deps.clickhouse, deps.evaluator, Date.now(), rebuilt) : Promise.resolve();
  return rebuild
    .catch((err: Error) => deps.log.error({ err: err.message, kpis: rebuilt }, 'could not rebuild KPI windows from the store'))
    .then(() => {
      // events stored during the rebuild query but not seen by it are missed until they
      // leave the window; counting them twice would be worse
      for (const id of rebuilt) {
        deps.evaluator.activate(id);
        const kpi = changes.find((c) => c.kind === 'kpi' && c.id === id)?.definition as KpiDefinition | undefined;
        if (kpi) void deps.detection.upsert(kpi, Date.now());
      }
      deps.loop.tick(Date.now());
      deps.hub.resync();
    });
}
