import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ClickHouseClient } from '@clickhouse/client';
import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import type { Settings } from './config/settings.ts';
import type { KpiModel } from './config/kpi-file.ts';
import { rebuildFromStore } from './evaluate/rebuild.ts';
import { WindowRepair } from './evaluate/window-repair.ts';
import { rebuildLive } from './evaluate/live-rebuild.ts';
import { CURVE_REFRESH_INTERVAL_MS, CurveRefresh } from './evaluate/curve-refresh.ts';
import { DISTINCT_REFRESH_INTERVAL_MS, DistinctRefresh } from './evaluate/distinct-refresh.ts';
import { AuthService } from './auth/auth-service.ts';
import { checkHandshake } from './auth/handshake.ts';
import { ClientAddress } from './auth/client-address.ts';
import { HostPolicy } from './auth/host-check.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { TokenBuckets } from './auth/rate-limit.ts';
import { createApp } from './http/app.ts';
import { SESSION_COOKIE } from './http/write-guard.ts';
import { AuthRepo } from './store/auth-repo.ts';
import { Ingestor } from './ingest/ingestor.ts';
import { KafkaIngest } from './ingest/kafka-consumer.ts';
import { liveAccess, type LiveAccess } from './live/access.ts';
import { createWall } from './live/compose.ts';
import { ObservedEvaluator } from './live/observed-evaluator.ts';
import { syncConfigFile } from './model/config-sync.ts';
import { ModelService } from './model/model-service.ts';
import { createMetrics } from './observe/metrics.ts';
import { openClickHouse } from './store/clickhouse.ts';
import { EventStore } from './store/event-store.ts';
import { migrate } from './store/migrations.ts';
import { applyRetention } from './store/retention.ts';
import { ModelRepo } from './store/model-repo.ts';
import { SERVER_VERSION } from './version.ts';
import { resolveRoutes } from './alerts/config.ts';
import { createNotifier } from './alerts/notifiers/channels.ts';
import type { Notifier } from './alerts/notifiers/notifier.ts';

/** Rows waiting for the store beyond which HTTP ingest answers 503: memory stays bounded. */
const MAX_PENDING_ROWS = 500_000;
const KAFKA_PARTITIONS = 3;
/** On shutdown, how long requests in progress get to finish before their sockets are closed. */
const HTTP_DRAIN_MS = 2_000;
/** Alignment lint: more KPIs than this on one objective is a focus problem (UX.md: five to seven). */
const MAX_KPIS_PER_OBJECTIVE = 7;
/**
 * How often expired sessions are looked for, and users and tokens re-read from the store
 * (changes made on another instance): the longest a revocation there takes to apply here.
 */
const AUTH_REFRESH_MS = 30_000;

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

export async function startServer(settings: Settings, configFile: KpiModel, log: Logger): Promise<RunningServer> {
  const clickhouse = openClickHouse(settings);
  const applied = await migrate(clickhouse.client);
  await applyRetention(clickhouse.client, settings.retention);
  log.info({ store: clickhouse.kind, where: clickhouse.where, applied }, 'store ready');

  const repo = new ModelRepo(clickhouse.client);
  const model = await ModelService.load(repo);
  await syncConfigFile(configFile, model, repo, log);

  const auth = settings.authEnabled
    ? await AuthService.load(new AuthRepo(clickhouse.client), { sessionMs: settings.sessionHours * 3_600_000, envToken: settings.apiToken })
    : null;
  const bootstrap = (await auth?.bootstrap()) ?? null;
  if (auth && !bootstrap) log.info({ users: auth.userCount }, 'auth on: users exist, no bootstrap secret printed');
  if (!auth) log.warn('auth is off (NORTHSTAR_AUTH=off): anyone who can reach this port can read and change everything');

  const metrics = createMetrics();
  const store = new EventStore(clickhouse.client);
  // tells the wall loop when a write reached it, so tiles do not wait for the next tick
  const evaluator = new ObservedEvaluator(model.kpis);
  await rebuildFromStore(clickhouse.client, evaluator, Date.now());

  const repair: WindowRepair = new WindowRepair({
    evaluator,
    // the ingestor exists by the time an insert can fail
    rebuild: (kpis): Promise<void> => rebuildLive({ evaluator, clickhouse: clickhouse.client, ingest: ingestor }, kpis),
    log: log.child({ component: 'repair' }),
    counter: metrics.liveRepairs,
    // the wall exists by the time an insert can fail
    onRepaired: () => wall.service.tick(Date.now()),
  });
  const ingestor: Ingestor = new Ingestor({
    store,
    evaluator,
    metrics,
    repair,
    flushRows: settings.ingestFlushRows,
    flushIntervalMs: settings.ingestFlushIntervalMs,
    maxPendingRows: MAX_PENDING_ROWS,
  });
  metrics.readPendingRowsFrom(() => ingestor.pendingRows);

  const notifiers = new Map<string, Notifier>(configFile.notifications.channels.map((ch) => [ch.id, createNotifier(ch)]));
  const wall = await createWall({
    settings,
    serverVersion: SERVER_VERSION,
    model,
    repo,
    evaluator,
    onWrite: (listener) => evaluator.onObserved(listener),
    rebuild: (kpis) => rebuildLive({ evaluator, clickhouse: clickhouse.client, ingest: ingestor }, kpis),
    clickhouse: clickhouse.client,
    routes: resolveRoutes(configFile.notifications),
    notifiers,
    metrics,
    log,
  });
  const curves = new CurveRefresh({
    evaluator,
    clickhouse: clickhouse.client,
    ingest: ingestor,
    log: log.child({ component: 'curves' }),
    intervalMs: CURVE_REFRESH_INTERVAL_MS,
  });
  curves.start();
  const distincts = new DistinctRefresh({
    evaluator,
    clickhouse: clickhouse.client,
    ingest: ingestor,
    log: log.child({ component: 'distinct' }),
    intervalMs: DISTINCT_REFRESH_INTERVAL_MS,
  });
  distincts.start();

  let kafka: KafkaIngest | undefined;
  if (settings.kafkaBrokers.length > 0) {
    kafka = new KafkaIngest({
      brokers: settings.kafkaBrokers,
      topic: settings.kafkaTopic,
      dlqTopic: settings.kafkaDlqTopic,
      groupId: settings.kafkaGroupId,
      sessionTimeoutMs: settings.kafkaSessionTimeoutMs,
      partitions: KAFKA_PARTITIONS,
      ingestor,
      metrics,
      log: log.child({ component: 'kafka' }),
    });
    await kafka.start();
    log.info({ brokers: settings.kafkaBrokers, topic: settings.kafkaTopic, group: settings.kafkaGroupId }, 'kafka consumer started');
  }

  // the HTTP write guard and the WebSocket handshake check the same origins
  const allowedOrigins = new Set(settings.allowedOrigins);
  const hosts = new HostPolicy({ bindHost: settings.host, allowedHosts: settings.allowedHosts, allowedOrigins });
  const app = createApp({
    ingestor,
    metrics,
    log,
    bodyLimitBytes: settings.httpBodyLimitBytes,
    model,
    repo,
    alerts: wall.alerts,
    alertRepo: wall.alertRepo,
    loop: wall.service,
    maxKpisPerObjective: MAX_KPIS_PER_OBJECTIVE,
    evaluator,
    clickhouse: clickhouse.client,
    storeReachable: () => store.ping(),
    kafkaJoined: kafka ? () => kafka.joined : undefined,
    degraded: () => ({ dlq: kafka?.dlqProblem }),
    webDir: settings.webDir,
    auth,
    allowedOrigins,
    hosts,
    ingestLimiter: new TokenBuckets({ perSecond: settings.ingestRequestsPerSecond, burst: settings.ingestRequestsPerSecond * 2 }),
    loginLimiter: new LoginThrottle({ freePerMinute: settings.loginAttemptsPerMinute }),
    clientAddress: new ClientAddress(settings.trustedProxies),
    sessionHours: settings.sessionHours,
  });
  // a revoked token, a logout, a changed user or an expired session also ends its live connections
  auth?.onEnded((credential) => wall.hub.disconnect(credential));
  const sweep = setInterval(() => {
    auth?.sweepExpired();
    auth?.refresh().catch((err: Error) => log.warn({ err: err.message }, 'auth: re-reading users and tokens failed'));
  }, AUTH_REFRESH_MS);
  sweep.unref();
  const handshake = {
    auth,
    allowedOrigins,
    hosts,
    sessionCookie: SESSION_COOKIE,
    boardAccess: (boardId: string): LiveAccess | null => {
      const board = model.boards.find((b) => b.id === boardId);
      if (!board) return null;
      return liveAccess(new Set(board.kpis.length > 0 ? board.kpis : model.kpis.map((k) => k.id)), model);
    },
  };

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/ws') return socket.destroy();
    socket.on('error', () => socket.destroy());
    // refused before the upgrade, with a status a client can tell apart (401: sign in again; 403: not allowed)
    void checkHandshake(req, handshake).then(
      (verdict) => {
        if (verdict.ok) return wall.hub.handleUpgrade(req, socket, head, verdict.access, verdict.credentials);
        const text = verdict.status === 401 ? 'Unauthorized' : 'Forbidden';
        socket.end(
          `HTTP/1.1 ${verdict.status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(verdict.reason)}\r\n\r\n${verdict.reason}`,
        );
      },
      (err: Error) => {
        log.warn({ err: err.message }, 'websocket handshake check failed');
        socket.destroy();
      },
    );
  });

  const port = (server.address() as AddressInfo).port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    clickhouse: clickhouse.client,
    model,
    auth,
    bootstrap,
    close: () =>
      (closing ??= (async () => {
        curves.stop();
        distincts.stop();
        clearInterval(sweep);
        await wall.close();
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
        for (const n of notifiers.values()) await n.close?.();
        await clickhouse.client.close();
      })()),
  };
}
