import { Hono } from 'hono';

export interface HealthDeps {
  storeReachable: () => Promise<boolean>;
  /** undefined when Kafka is not configured. */
  kafkaJoined: (() => boolean) | undefined;
}

/** /healthz: the process answers. /readyz: it can do its job (store, and Kafka when configured). */
export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const store = await deps.storeReachable();
    const kafka = deps.kafkaJoined ? deps.kafkaJoined() : undefined;
    const ready = store && kafka !== false;
    const checks: Record<string, string> = { store: store ? 'ok' : 'unreachable' };
    if (kafka !== undefined) checks.kafka = kafka ? 'joined' : 'not joined';
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });
  return app;
}
