import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Metrics } from './metrics.ts';

/**
 * Counts and times every HTTP answer by its route pattern ("/api/v1/kpis/:id"), never the
 * raw path, so ids in URLs cannot blow up the number of series.
 */
export function httpMetrics(metrics: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routePath(c) || 'unmatched';
      const method = c.req.method;
      metrics.httpRequests.inc({ route, method, status: String(c.res.status) });
      metrics.httpSeconds.observe({ route, method }, (performance.now() - started) / 1000);
    }
  };
}
