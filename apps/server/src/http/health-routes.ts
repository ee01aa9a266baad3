import { Hono } from 'hono';

export interface HealthDeps {
  storeReachable: () => Promise<boolean>;
  /** undefined when Kafka is not configured. */
  kafkaJoined: (() => boolean) | undefined;
  /**
   * Parts that work, but not fully (the Kafka DLQ refusing rejects, kept in the store
   * instead): the instance stays ready (200, it ingests) and says `degraded` with why.
   */
  degraded?: () => Record<string, string | undefined>;
}

/** /healthz: the process answers. /readyz: it can do its job (store, and Kafka when configured), and whether fully. */
export function healthRoutes(deps: HealthDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const store = await deps.storeReachable();
    const kafka = deps.kafkaJoined ? deps.kafkaJoined() : undefined;
    const ready = store && kafka !== false;
    const checks: Record<string, string> = { store: store ? 'ok' : 'unreachable' };
    if (kafka !== undefined) checks.kafka = kafka ? 'joined' : 'not joined';
    let degraded = false;
    for (const [name, problem] of Object.entries(deps.degraded?.() ?? {})) {
      if (problem === undefined) continue;
      checks[name] = problem;
      degraded = true;
    }
    const status = !ready ? 'not_ready' : degraded ? 'degraded' : 'ready';
    return c.json({ status, checks }, ready ? 200 : 503);
  });
  return app;
}
