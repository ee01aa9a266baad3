import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { KpiDefinition } from '@northstar/shared';
import type { Notifier } from '../alerts/notifiers/notifier.ts';
import type { RuleOwnership } from '../alerts/ownership.ts';
import { Dispatcher, type DispatcherOptions } from '../alerts/routing.ts';
import type { Settings } from '../config/settings.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { ModelService } from '../model/model-service.ts';
import type { Metrics } from '../observe/metrics.ts';
import { AlertRepo } from '../store/alert-repo.ts';
import type { ModelRepo } from '../store/model-repo.ts';
import { AlertEngine } from '../watch/alert-engine.ts';
import { DetectionRunner } from '../watch/detection-runner.ts';
import { LiveHub } from './hub.ts';
import { applyModelChanges } from './model-changes.ts';
import { kpisUnderObjective } from './subscription.ts';
import { WallLoop } from './wall-loop.ts';
import { WallService } from './wall-service.ts';

/** Writes are evaluated at once, but not more often than this: a full evaluation costs ~1 ms per few hundred KPIs. */
const WRITE_EVALUATE_MIN_INTERVAL_MS = 50;
/** Fan-out worker processes by default (NORTHSTAR_LIVE_WORKERS); chosen by `pnpm bench:live`, see docs/benchmarks.md. */
export const DEFAULT_LIVE_WORKERS = 1;

/** Everything the live wall needs from the parts built before it (all of them lower layers). */
export interface WallDeps {
  settings: Pick<Settings, 'evaluateIntervalMs' | 'wsFrameIntervalMs' | 'wsHeartbeatIntervalMs' | 'wsMaxBufferedBytes' | 'liveWorkers'>;
  serverVersion: string;
  model: ModelService;
  /** Where milestones are kept. */
  repo: ModelRepo;
  evaluator: KpiEvaluator;
  /** Subscribes to "stored events reached the evaluator", so tiles do not wait for the next tick. */
  onWrite: (listener: () => void) => void;
  /** Fresh window state for changed KPIs, rebuilt from the store while the count ledger holds new events. */
  rebuild: (kpis: readonly KpiDefinition[]) => Promise<void>;
  /** The store's client: detectors warm up on history from it, and alerts are kept in it. */
  clickhouse: ClickHouseClient;
  /** Notification routes (alerts/config.ts resolveRoutes; a function when admins edit them live) and the channels they name. */
  routes: DispatcherOptions['routes'];
  notifiers: ReadonlyMap<string, Notifier>;
  /** Which alert rules this instance releases (issue 17.2); every rule when omitted. */
  ruleOwnership?: RuleOwnership;
  metrics: Metrics;
  log: Logger;
}

/** The live wall, built and started. */
export interface Wall {
  /** The wall's state (what the API shows) and the one place it changes. */
  service: WallService;
  /** WebSocket upgrades and credential disconnects. */
  hub: LiveHub;
  alerts: AlertEngine;
  alertRepo: AlertRepo;
  detection: DetectionRunner;
  /** Stops the clock, lets the detectors' warm-up finish, and closes every connection. */
  close(): Promise<void>;
}

/**
 * Builds the live path in dependency order, each part handed only what is built before it:
 * detection, alerts, the wall service (which listens to alerts), the hub (which listens to
 * the wall service), the clock, and model changes. Then starts it: alert history read back,
 * detectors warming up in the background, milestones seeded, a first tick.
 */
export async function createWall(deps: WallDeps): Promise<Wall> {
  const { model, evaluator, log } = deps;
  const detection = new DetectionRunner({ evaluator, clickhouse: deps.clickhouse, log: log.child({ component: 'detect' }) });
  const alertRepo = new AlertRepo(deps.clickhouse);
  const alerts = new AlertEngine({
    model,
    evaluator,
    detection,
    repo: alertRepo,
    dispatcher: (silences) =>
      new Dispatcher({ routes: deps.routes, silences, timezoneOf: (kpiId) => model.get('kpi', kpiId)?.timezone ?? 'UTC' }),
    notifiers: deps.notifiers,
    ownership: deps.ruleOwnership,
    metrics: deps.metrics,
    log: log.child({ component: 'alerts' }),
  });
  const service = new WallService({ evaluator, detection, alerts, model, milestones: deps.repo, log });
  const hub = new LiveHub({
    snapshot: () => service.snapshot(Date.now()),
    serverVersion: deps.serverVersion,
    frameIntervalMs: deps.settings.wsFrameIntervalMs,
    heartbeatIntervalMs: deps.settings.wsHeartbeatIntervalMs,
    maxBufferedBytes: deps.settings.wsMaxBufferedBytes,
    workers: deps.settings.liveWorkers ?? DEFAULT_LIVE_WORKERS,
    kpisUnder: (objectiveId) => kpisUnderObjective(model, objectiveId),
    metrics: deps.metrics,
  });
  service.subscribe(hub);
  const loop = new WallLoop({
    wall: service,
    intervalMs: deps.settings.evaluateIntervalMs,
    onWrite: { subscribe: deps.onWrite, minIntervalMs: WRITE_EVALUATE_MIN_INTERVAL_MS },
  });

  await alerts.start(Date.now());
  // warm the detectors on history in the background: the wall does not wait for them
  const warmUp = Promise.all(model.kpis.map((k) => detection.upsert(k, Date.now()))).catch((err: Error) =>
    log.warn({ err: err.message }, 'detector warm-up failed'),
  );
  await service.start();
  loop.start();
  model.onChange((changes) => void applyModelChanges({ evaluator, detection, rebuild: deps.rebuild, wall: service, log }, changes));

  return {
    service,
    hub,
    alerts,
    alertRepo,
    detection,
    close: async () => {
      loop.stop();
      await warmUp;
      await hub.close();
    },
  };
}
