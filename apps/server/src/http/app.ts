import { existsSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth-service.ts';
import { httpMetrics } from '../observe/http-metrics.ts';
import type { Metrics } from '../observe/metrics.ts';
import { apiBodyBound } from './body-bound.ts';
import { jsonError } from './errors.ts';
import { healthRoutes, type HealthDeps } from './health-routes.ts';
import { ingestRoutes, type IngestRouteDeps } from './ingest-routes.ts';
import { kpiRoutes, type KpiRouteDeps } from './kpi-routes.ts';
import { alignmentRoutes, type AlignmentDeps } from './alignment-routes.ts';
import { feedbackRoutes, type FeedbackRouteDeps } from './feedback-routes.ts';
import { modelRoutes } from './model-routes.ts';
import { openApiHandler } from './openapi.ts';
import { doc } from './route-doc.ts';
import { serviceRoutes } from './service-routes.ts';
import { authGuard, type GuardDeps } from './write-guard.ts';
import { authRoutes, type AuthRouteDeps } from './auth-routes.ts';
import { alertRoutes, type AlertRouteDeps } from './alert-routes.ts';
import { historyRoutes } from './history-routes.ts';
import { oidcRoutes, type OidcRouteDeps } from './oidc-routes.ts';
import { securityHeaders } from './security-headers.ts';
import { shareRoutes, type ShareRouteDeps } from './share-routes.ts';
import { reportRoutes } from './report-routes.ts';
import { digestRoutes, type DigestRouteDeps } from './digest-routes.ts';
import { appEmbedOrigins, notificationRoutes, type NotificationRouteDeps } from './notification-routes.ts';

/** What the whole app needs: each route module's deps; a part two modules share does what both ask of it. */
export interface AppDeps
  extends
    IngestRouteDeps,
    KpiRouteDeps,
    HealthDeps,
    AlignmentDeps,
    AlertRouteDeps,
    GuardDeps,
    AuthRouteDeps,
    FeedbackRouteDeps,
    OidcRouteDeps,
    ShareRouteDeps,
    DigestRouteDeps,
    NotificationRouteDeps {
  /** The guard asks the whole service (who holds a token or session), the routes a part of it. */
  auth: AuthService | null;
  loop: KpiRouteDeps['loop'] & AlignmentDeps['loop'];
  repo: AlignmentDeps['repo'] & FeedbackRouteDeps['repo'];
  metrics: Metrics;
  log: Logger;
  webDir: string;
  /** Origins allowed to embed the wall in a frame by NORTHSTAR_EMBED_ORIGINS (admins add more in the app); none: no framing. */
  embedOrigins?: readonly string[];
}

/**
 * Every API route, chained so the app's type describes each one (its path, method, inputs
 * and answers): `AppType` is what `hc` clients (the web app, the tests) are typed with.
 */
function apiRoutes(deps: AppDeps) {
  return new Hono()
    .route('/', authRoutes(deps))
    .route('/', oidcRoutes(deps))
    .route('/', healthRoutes(deps))
    .route('/', ingestRoutes(deps))
    .route('/', kpiRoutes(deps))
    .route('/', historyRoutes(deps))
    .route('/', modelRoutes(deps.model))
    .route('/', feedbackRoutes(deps))
    .route('/', alignmentRoutes(deps))
    .route('/', alertRoutes(deps))
    .route('/', shareRoutes(deps))
    .route('/', reportRoutes(deps))
    .route('/', digestRoutes(deps))
    .route('/', notificationRoutes(deps))
    .route('/', serviceRoutes(deps.metrics));
}

export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use('*', httpMetrics(deps.metrics));
  // the environment's origins and those an admin set in the app, read per request: a change needs no restart
  const envEmbed = deps.embedOrigins ?? [];
  app.use(securityHeaders(() => [...new Set([...envEmbed, ...appEmbedOrigins(deps.model)])]));
  // every request: the static app and sign-in are public, the rest by role (auth/policy.ts)
  app.use('*', authGuard(deps));
  app.use('/api/*', apiBodyBound());
  const routes = app
    .route('/', apiRoutes(deps))
    .get(
      '/api/v1/openapi.json',
      doc({ tag: 'service', summary: 'This document: every route of the server', responses: { 200: 'OpenAPI 3.1' } }),
      openApiHandler(app),
    );
  app.all('/api/*', (c) => jsonError(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`));
  if (existsSync(deps.webDir)) {
    app.use('/*', serveStatic({ root: deps.webDir }));
    app.get('*', serveStatic({ root: deps.webDir, path: 'index.html' }));
  } else {
    deps.log.warn({ webDir: deps.webDir }, 'web build not found; run `pnpm build` to serve the wall');
  }
  app.onError((err, c) => {
    deps.log.error({ err, path: c.req.path }, 'request failed');
    return jsonError(c, 500, 'internal', 'the server failed to handle this request; it has been logged');
  });
  return routes;
}

/** The server's API as a type: `hc<AppType>(origin)` is a client that knows every route. */
export type AppType = ReturnType<typeof createApp>;
