import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import type { KpiModel } from './config/kpi-file.ts';
import type { AuthService } from './auth/auth-service.ts';
import { resolveRoutes } from './alerts/config.ts';
import { createNotifier } from './alerts/notifiers/channels.ts';
import type { Notifier } from './alerts/notifiers/notifier.ts';
import { Dispatcher } from './alerts/routing.ts';
import { startAuth } from './compose/auth.ts';
import { startHttp } from './compose/http.ts';
import { startKafka } from './compose/kafka.ts';
import { startLiveCount } from './compose/live-count.ts';
import { wallSnapshot } from './compose/snapshot.ts';
import { openStore } from './compose/store.ts';
import { startStoreRefresh } from './compose/store-refresh.ts';
import { configureDecodePool } from './ingest/decode-pool.ts';
import { LiveHub } from './live/hub.ts';
import { kpisUnderObjective } from './live/subscription.ts';
import { WallLoop } from './live/wall-loop.ts';
import { applyModelChanges } from './model/apply-changes.ts';
import { syncConfigFile } from './model/config-sync.ts';
import { ModelService } from './model/model-service.ts';
import { createMetrics } from './observe/metrics.ts';
import { WindowRepair } from './schedule/window-repair.ts';
import { AlertRepo } from './store/alert-repo.ts';
import { ModelRepo } from './store/model-repo.ts';
import { SERVER_VERSION } from './version.ts';
import { AlertEngine } from './watch/alert-engine.ts';
import { DetectionRunner } from './watch/detection-runner.ts';

/** On shutdown, how long requests in progress get to finish before their sockets are closed. */
const HTTP_DRAIN_MS = 2_000;
/** Writes are evaluated at once, but not more often than this: a full evaluation costs ~1 ms per few hundred KPIs. */
const WRITE_EVALUATE_MIN_INTERVAL_MS = 50;

export interface RunningServer {
  url: string;
  port: number;
  /** The store's client: chdb allows one per data path per process, so tests query through this one. */
  clickhouse: ClickHouseClient;
  model: ModelService;
  /** null when auth is off. */
  auth: AuthService | null;
  /** Set on the first start with auth on: the admin's one-time password, for the caller to print once. */
  bootstrap: { username: string; password: string } | null;
  close(): Promise<void>;
}

/** The composition root: each part is built from parts built before it, then the ports open. */
export async function startServer(settings: Settings, configFile: KpiModel, log: Logger): Promise<RunningServer> {
  configureDecodePool(settings.decodeThreads);
  const clickhouse = await openStore(settings, log);
  const repo = new ModelRepo(clickhouse);
  const model = await ModelService.load(repo);
  await syncConfigFile(configFile, model, repo, log);
  const { auth, bootstrap, stop: stopAuth } = await startAuth(settings, clickhouse, log);
  const metrics = createMetrics();
  const { events, reads, evaluator, ingestor, ledger, drain, rebuild } = await startLiveCount({
    settings,
    client: clickhouse,
    kpis: model.kpis,
    metrics,
  });

  // the wall: alerts, detection, the loop and the hub (one cycle left: the hub's snapshot reads the loop and the alerts)
  const detection = new DetectionRunner({ evaluator, clickhouse, log: log.child({ component: 'detect' }) });
  const alertRepo = new AlertRepo(clickhouse);
  const notifiers = new Map<string, Notifier>(configFile.notifications.channels.map((ch) => [ch.id, createNotifier(ch)]));
  const hub: LiveHub = new LiveHub({
    snapshot: () => wallSnapshot({ model, evaluator, objectives: wallLoop, alerts }, Date.now()),
    serverVersion: SERVER_VERSION,
    frameIntervalMs: settings.wsFrameIntervalMs,
    heartbeatIntervalMs: settings.wsHeartbeatIntervalMs,
    maxBufferedBytes: settings.wsMaxBufferedBytes,
    kpisUnder: (objectiveId) => kpisUnderObjective(model, objectiveId),
    metrics,
  });
  const dispatcher: Dispatcher = new Dispatcher({
    routes: resolveRoutes(configFile.notifications),
    silences: () => alerts.silences,
    timezoneOf: (kpiId) => model.get('kpi', kpiId)?.timezone ?? 'UTC',
  });
  const alerts = new AlertEngine({
    model,
    evaluator,
    detection,
    repo: alertRepo,
    hub,
    dispatcher,
    notifiers,
    metrics,
    log: log.child({ component: 'alerts' }),
  });
  await alerts.start(Date.now());
  // warm the detectors on history in the background: the wall does not wait for them
  const warmUp = Promise.all(model.kpis.map((k) => detection.upsert(k, Date.now()))).catch((err: Error) =>
    log.warn({ err: err.message }, 'detector warm-up failed'),
  );
  const wallLoop = new WallLoop({
    evaluator,
    model,
    hub,
    repo,
    detection,
    alerts,
    log,
    intervalMs: settings.evaluateIntervalMs,
    onWrite: { subscribe: (listener) => evaluator.onObserved(listener), minIntervalMs: WRITE_EVALUATE_MIN_INTERVAL_MS },
  });
  await wallLoop.start();

  const repair = new WindowRepair({
    ledger,
    rebuild,
    log: log.child({ component: 'repair' }),
    counter: metrics.liveRepairs,
    onRepaired: () => wallLoop.tick(Date.now()),
  });
  const refresh = startStoreRefresh({ evaluator, reads, drain, log });
  model.onChange((changes) => void applyModelChanges({ evaluator, detection, rebuild, hub, loop: wallLoop, log }, changes));
  const kafka = await startKafka(settings, ingestor, metrics, log);

  // a revoked token, a logout, a changed user or an expired session also ends its live connections
  auth?.onEnded((credential) => hub.disconnect(credential));
  const { server, port, url } = await startHttp(settings, {
    ingestor,
    metrics,
    log,
    model,
    repo,
    alerts,
    alertRepo,
    loop: wallLoop,
    evaluator,
    clickhouse,
    auth,
    hub,
    storeReachable: () => events.ping(),
    kafkaJoined: kafka ? () => kafka.joined : undefined,
    degraded: () => ({ dlq: kafka?.dlqProblem }),
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    clickhouse,
    model,
    auth,
    bootstrap,
    close: () =>
      (closing ??= (async () => {
        wallLoop.stop();
        refresh.stop();
        stopAuth();
        await warmUp;
        // the consumer finishes its batch in hand (write, then commit) before leaving the group
        await kafka?.stop();
        await hub.close();
        // no new requests; those waiting for a group insert get their answer once it is flushed
        const httpClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await ingestor.close();
        await repair.close();
        let drainTimer: NodeJS.Timeout | undefined;
        await Promise.race([httpClosed, new Promise((r) => (drainTimer = setTimeout(r, HTTP_DRAIN_MS)))]);
        clearTimeout(drainTimer);
        server.closeAllConnections();
        await httpClosed;
        for (const n of notifiers.values()) await n.close?.();
        await clickhouse.close();
      })()),
  };
}
