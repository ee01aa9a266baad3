import { existsSync } from 'node:fs';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { httpMetrics } from '../observe/http-metrics.ts';
import type { Metrics } from '../observe/metrics.ts';
import { apiBodyBound } from './body-bound.ts';
import { jsonError } from './errors.ts';
import { healthRoutes, type HealthDeps } from './health-routes.ts';
import { ingestRoutes, type IngestRouteDeps } from './ingest-routes.ts';
import { kpiRoutes, type KpiRouteDeps } from './kpi-routes.ts';
import { alignmentRoutes, type AlignmentDeps } from './alignment-routes.ts';
import { feedbackRoutes } from './feedback-routes.ts';
import { modelRoutes } from './model-routes.ts';
import { openApiDocument } from './openapi.ts';
import { authGuard, type GuardDeps } from './write-guard.ts';
import { authRoutes, type AuthRouteDeps } from './auth-routes.ts';
import { alertRoutes, type AlertRouteDeps } from './alert-routes.ts';
import { historyRoutes } from './history-routes.ts';
import { oidcRoutes, type OidcRouteDeps } from './oidc-routes.ts';

export interface AppDeps
  extends IngestRouteDeps, KpiRouteDeps, HealthDeps, AlignmentDeps, AlertRouteDeps, GuardDeps, AuthRouteDeps, OidcRouteDeps {
  metrics: Metrics;
  log: Logger;
  webDir: string;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use('*', httpMetrics(deps.metrics));
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        // no framing (clickjacking), no <base> or form posts pointing elsewhere
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    }),
  );
  // every request: the static app and sign-in are public, the rest by role (auth/policy.ts)
  app.use('*', authGuard(deps));
  app.use('/api/*', apiBodyBound());
  app.route('/', authRoutes(deps));
  app.route('/', oidcRoutes(deps));
  app.route('/', healthRoutes(deps));
  app.route('/', ingestRoutes(deps));
  app.route('/', kpiRoutes(deps));
  app.route('/', historyRoutes(deps));
  app.route('/', modelRoutes(deps.model));
  app.route('/', feedbackRoutes(deps));
  app.route('/', alignmentRoutes(deps));
  app.route('/', alertRoutes(deps));
  const openapi = openApiDocument();
  app.get('/api/v1/openapi.json', (c) => c.json(openapi));
  app.get('/metrics', async (c) =>
    c.text(await deps.metrics.registry.metrics(), 200, { 'content-type': deps.metrics.registry.contentType }),
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
  return app;
}
