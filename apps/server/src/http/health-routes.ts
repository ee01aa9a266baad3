import { Hono } from 'hono';
import { doc } from './route-doc.ts';

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
export function healthRoutes(deps: HealthDeps) {
  return new Hono()
    .get('/healthz', doc({ tag: 'health', summary: 'Process up', responses: { 200: '{status: "ok"}' } }), (c) =>
      c.json({ status: 'ok' as const }),
    )
    .get(
      '/readyz',
      doc({
        tag: 'health',
        summary: 'Store reachable (and Kafka joined when configured); "degraded" with why when a part works but not fully',
        responses: { 200: '{status: "ready" | "degraded", checks}', 503: '{status: "not_ready", checks}' },
        schemas: { 503: 'Readiness' },
      }),
      async (c) => {
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
      },
    );
}
