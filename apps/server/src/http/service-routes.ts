import { Hono } from 'hono';
import type { Metrics } from '../observe/metrics.ts';
import { jsonError } from './errors.ts';
import { doc } from './route-doc.ts';

/**
 * The routes a machine reads beside the API: Prometheus metrics, and /ws as plain HTTP.
 * The WebSocket itself is answered before Hono (server.ts `upgrade`, auth/handshake.ts);
 * a request without the upgrade headers reaches this route and is told what to send.
 */
export function serviceRoutes(metrics: Metrics) {
  return new Hono()
    .get(
      '/metrics',
      doc({ tag: 'service', summary: 'Prometheus metrics (text exposition format)', responses: { 200: 'Metrics', 401: 'Not signed in' } }),
      async (c) => c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
    )
    .get(
      '/ws',
      doc({
        tag: 'service',
        summary:
          'The live wall over WebSocket (packages/shared/src/protocol.ts): GET with Upgrade: websocket; ?board=<id> for one board. Refused before the upgrade with 401 (sign in), 403 (origin, host or board)',
        responses: {
          101: 'Switching protocols',
          401: 'Not signed in',
          403: 'Origin, host or board not allowed',
          426: 'Not a WebSocket upgrade',
        },
      }),
      (c) => {
        c.header('Upgrade', 'websocket');
        return jsonError(c, 426, 'upgrade_required', '/ws is a WebSocket: connect with Upgrade: websocket (a WebSocket client)');
      },
    );
}
