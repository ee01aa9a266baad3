import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { defaultKpiBudget } from '@northstar/shared';
import type { OpenAPIV3_1 } from 'openapi-types';
import { describe, expect, it } from 'vitest';
import { ClientAddress } from '../auth/client-address.ts';
import { HostPolicy } from '../auth/host-check.ts';
import { LoginThrottle } from '../auth/login-throttle.ts';
import { TokenBuckets } from '../auth/rate-limit.ts';
import { NotificationRouting } from '../model/notification-routing.ts';
import { SecretBox } from '../model/secret-box.ts';
import { createMetrics } from '../observe/metrics.ts';
import { createApp, type AppDeps } from './app.ts';
import { SALES_MODEL, evaluatedLoop, memoryModel, noStore } from './routes.fixture.ts';

const never = () => Promise.reject(new Error('not called: the document is built without calling routes'));

/** The whole app with auth off: the document is read, no route that needs a part is called. */
async function app() {
  const model = await memoryModel(SALES_MODEL);
  const log = pino({ level: 'silent' });
  const deps: AppDeps = {
    auth: null,
    allowedOrigins: new Set(),
    hosts: new HostPolicy({ bindHost: '127.0.0.1', allowedHosts: [], allowedOrigins: [] }),
    ingestLimiter: new TokenBuckets({ perSecond: 1, burst: 1 }),
    loginLimiter: new LoginThrottle({ freePerMinute: 1 }),
    clientAddress: new ClientAddress([]),
    sessionHours: 1,
    model,
    notifications: new NotificationRouting({ config: { channels: [], routes: [] }, model, box: new SecretBox(randomBytes(32)), log }),
    loop: evaluatedLoop(),
    evaluator: { spark: () => [] },
    clickhouse: noStore(),
    ingestor: { reject: never, writeGrouped: never, writeBatchIsolating: never },
    bodyLimitBytes: 1024,
    repo: {
      lastCheckins: never,
      addCheckin: never,
      checkins: never,
      addAnnotation: never,
      annotations: never,
      milestones: never,
      createdAt: never,
    },
    alerts: {
      list: () => [],
      acknowledge: never,
      giveFeedback: never,
      silences: [],
      addSilence: never,
      expireSilence: never,
      tuneDetection: never,
      detectionTuning: new Map(),
    },
    alertRepo: { transitions: never, feedback: never },
    kpiBudget: defaultKpiBudget(),
    storeReachable: () => Promise.resolve(true),
    kafkaJoined: undefined,
    metrics: createMetrics(),
    log,
    webDir: '/nonexistent/northstar-web',
  };
  return createApp(deps);
}

/** Hono's `/api/v1/kpis/:id` as OpenAPI writes it: `/api/v1/kpis/{id}`. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

describe('the OpenAPI document', () => {
  it('describes every route the app serves, each with a summary and its answers', async () => {
    const served = await app();
    const res = await served.request('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenAPIV3_1.Document;
    expect(doc.openapi).toBe('3.1.0');
    // middleware (app.use) is registered as ALL; the one ALL route is the API's JSON 404
    const routes = served.routes.filter((r) => r.method !== 'ALL');
    expect(routes.length).toBeGreaterThan(50);
    const missing = routes.filter((r) => {
      const op = doc.paths?.[openApiPath(r.path)]?.[r.method.toLowerCase() as OpenAPIV3_1.HttpMethods];
      return !op?.summary || Object.keys(op.responses ?? {}).length === 0;
    });
    expect(missing.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    // and nothing documented that is not served
    const served_ = new Set(routes.map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`));
    const documented = Object.entries(doc.paths ?? {}).flatMap(([path, item]) => Object.keys(item ?? {}).map((m) => `${m} ${path}`));
    expect(documented.filter((d) => !served_.has(d))).toEqual([]);
  });

  it('covers the routes the hand-written document left out', async () => {
    const doc = (await (await (await app()).request('/api/v1/openapi.json')).json()) as OpenAPIV3_1.Document;
    for (const path of [
      '/api/v1/alerts',
      '/api/v1/silences/{id}',
      '/api/v1/detect/backtest',
      '/api/v1/auth/login',
      '/api/v1/auth/kiosk-tokens/{id}',
      '/metrics',
      '/ws',
    ]) {
      expect(Object.keys(doc.paths ?? {})).toContain(path);
    }
    expect(doc.paths?.['/api/v1/kpis/{id}']?.get?.parameters).toEqual([
      expect.objectContaining({ in: 'path', name: 'id', required: true }),
    ]);
  });

  it('resolves every schema a route names to one in components', async () => {
    const doc = (await (await (await app()).request('/api/v1/openapi.json')).json()) as OpenAPIV3_1.Document;
    const refs = [...JSON.stringify(doc.paths).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(30);
    expect([...new Set(refs)].filter((name) => !doc.components?.schemas?.[name])).toEqual([]);
    expect(doc.components?.schemas?.Kpi).toMatchObject({ type: 'object' });
  });
});
