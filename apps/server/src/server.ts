import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import type { KpiModel } from './config/kpi-file.ts';
import type { AuthService } from './auth/auth-service.ts';
import { startAuth } from './compose/auth.ts';
import { startDigests } from './compose/digests.ts';
import { startHttp } from './compose/http.ts';
import { ruleOwnershipFor, startKafka } from './compose/kafka.ts';
import { startLiveCount } from './compose/live-count.ts';
import { startShares } from './compose/shares.ts';
import { openStore } from './compose/store.ts';
import { startStoreRefresh } from './compose/store-refresh.ts';
import { configureDecodePool } from './ingest/decode-pool.ts';
import { createWall } from './live/compose.ts';
import { syncConfigFile } from './model/config-sync.ts';
import { ModelService } from './model/model-service.ts';
import { NotificationRouting } from './model/notification-routing.ts';
import { openSecretBox } from './model/secret-box.ts';
import { createMetrics } from './observe/metrics.ts';
import { WindowRepair } from './schedule/window-repair.ts';
import { ModelRepo } from './store/model-repo.ts';
import { historyReadsFor } from './store/read-paths.ts';
import { SERVER_VERSION } from './version.ts';

/** On shutdown, how long requests in progress get to finish before their sockets are closed. */
const HTTP_DRAIN_MS = 2_000;

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
  /** The first start with auth on, where another instance sharing the store created the admin at the same moment (bootstrap is null). */
  adminByAnotherInstance: boolean;
  close(): Promise<void>;
}

/**
 * The composition root: each part is built from parts built before it (no closure here reads
 * a value declared below it; ESLint's no-use-before-define keeps it so), then the ports open.
 */
export async function startServer(settings: Settings, configFile: KpiModel, log: Logger): Promise<RunningServer> {
  configureDecodePool(settings.decodeThreads);
  const clickhouse = await openStore(settings, log);
  const repo = new ModelRepo(clickhouse);
  // channels' secrets are sealed with this key; a config channel's id is not free for the app's
  const box = openSecretBox(settings);
  const model = await ModelService.load(repo, { box, external: { channels: new Set(configFile.notifications.channels.map((c) => c.id)) } });
  await syncConfigFile(configFile, model, repo, log);
  const { auth, bootstrap, adminByAnotherInstance, stop: stopAuth } = await startAuth(settings, clickhouse, log);
  const { shares, stop: stopShares } = await startShares(clickhouse, log);
  auth?.acceptShares((token) => shares.fromToken(token));
  const metrics = createMetrics();
  // what the read-first gate held ingest for: the insert and id-check timings include it
  historyReadsFor(clickhouse).gate?.onHold((statement, ms) => metrics.readFirstHoldSeconds.observe({ statement }, ms / 1000));
  historyReadsFor(clickhouse).cache?.onLookup((result) => metrics.historyCacheLookups.inc({ result }));
  const { events, reads, evaluator, ingestor, ledger, drain, rebuild, partials } = await startLiveCount({
    settings,
    client: clickhouse,
    kpis: model.kpis,
    metrics,
    log,
  });

  // one routing path for the config file's channels and routes and the app's
  const notifications = new NotificationRouting({ config: configFile.notifications, model, box, log: log.child({ component: 'notify' }) });
  const ruleOwnership = ruleOwnershipFor(settings, metrics);
  const wall = await createWall({
    settings,
    serverVersion: SERVER_VERSION,
    model,
    repo,
    evaluator,
    onWrite: (listener) => evaluator.onObserved(listener),
    rebuild,
    clickhouse,
    routes: notifications.routes,
    notifiers: notifications.notifiers,
    ruleOwnership,
    metrics,
    log,
  });
  // built after the wall, so a repair shows its result at once (no write reaches the ledger before the ports open)
  const repair = new WindowRepair({
    ledger,
    rebuild,
    log: log.child({ component: 'repair' }),
    counter: metrics.liveRepairs,
    onRepaired: () => wall.service.tick(Date.now()),
  });
  const refresh = startStoreRefresh({ evaluator, reads, drain, log });
  const digests = startDigests({
    notifications: configFile.notifications,
    model,
    wall: wall.service,
    evaluator,
    clickhouse,
    alertRepo: wall.alertRepo,
    repo,
    log,
  });
  const kafka = await startKafka(settings, ingestor, metrics, log, partials, ruleOwnership);

  // a revoked token, a logout, a changed user or an expired session also ends its live connections
  auth?.onEnded((credential) => wall.hub.disconnect(credential));
  shares.onEnded((credential) => wall.hub.disconnect(credential));
  const { server, port, url } = await startHttp(settings, {
    ingestor,
    forwardIdentified: kafka?.forwardIdentified,
    metrics,
    log,
    model,
    repo,
    alerts: wall.alerts,
    alertRepo: wall.alertRepo,
    loop: wall.service,
    kpiBudget: configFile.alignment.kpiBudget,
    evaluator,
    clickhouse,
    auth,
    shares,
    hub: wall.hub,
    storeReachable: () => events.ping(),
    kafkaJoined: kafka ? () => kafka.ingest.joined : undefined,
    degraded: () => ({ dlq: kafka?.ingest.dlqProblem }),
    digests: digests.service,
    notifications,
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    clickhouse,
    model,
    auth,
    bootstrap,
    adminByAnotherInstance,
    close: () =>
      (closing ??= (async () => {
        refresh.stop();
        await digests.stop();
        stopAuth();
        stopShares();
        // the clock stops, the detectors' warm-up ends and every live connection closes
        await wall.close();
        wall.alerts.close();
        // the consumer finishes its batch in hand (write, then commit) before leaving the group
        await kafka?.stop();
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
        await notifications.close();
        await clickhouse.close();
      })()),
  };
}
