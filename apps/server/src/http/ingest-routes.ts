import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { IngestResponse } from '@northstar/shared';
import { BackpressureError } from '../ingest/batch-writer.ts';
import { BodyError, decodeBody, formatFromContentType } from '../ingest/decode-body.ts';
import type { Ingestor } from '../ingest/ingestor.ts';
import type { Metrics } from '../observe/metrics.ts';
import { jsonError } from './errors.ts';

/** A response lists at most this many rejected lines; the rest are counted and kept in rejected_events. */
const MAX_REJECTED_IN_RESPONSE = 1000;

export interface IngestRouteDeps {
  ingestor: Ingestor;
  metrics: Metrics;
  bodyLimitBytes: number;
}

export function ingestRoutes(deps: IngestRouteDeps): Hono {
  const app = new Hono();
  app.post(
    '/api/v1/events',
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: (c) =>
        jsonError(c, 413, 'body_too_large', `request body is larger than ${deps.bodyLimitBytes} bytes; split it into smaller requests`),
    }),
    async (c) => {
      const text = await c.req.text();
      let decoded;
      try {
        decoded = decodeBody(text, formatFromContentType(c.req.header('content-type')), Date.now());
      } catch (err) {
        if (err instanceof BodyError) return jsonError(c, 400, 'bad_body', err.message);
        throw err;
      }
      deps.metrics.eventsReceived.inc({ source: 'http' }, decoded.events.length + decoded.rejected.length);
      const rejected = decoded.rejected.map(({ line, reason }) => ({ line, reason }));
      const truncated = rejected.length > MAX_REJECTED_IN_RESPONSE;
      const body: IngestResponse & { rejectedTotal?: number } = {
        accepted: 0,
        rejected: truncated ? rejected.slice(0, MAX_REJECTED_IN_RESPONSE) : rejected,
      };
      if (truncated) body.rejectedTotal = rejected.length;
      try {
        // Rejects are kept first: if the events then fail to store, the producer retries
        // the whole request and the rejects are merely recorded twice, never lost.
        await deps.ingestor.reject(
          decoded.rejected.map((r) => ({ source: 'http', location: `line ${r.line}`, reason: r.reason, raw: r.raw })),
        );
        await deps.ingestor.writeGrouped(decoded.events);
      } catch (err) {
        if (err instanceof BackpressureError) {
          c.header('Retry-After', '1');
          return jsonError(c, 503, 'busy', err.message);
        }
        c.header('Retry-After', '5');
        return jsonError(
          c,
          503,
          'store_unavailable',
          'the event store did not accept the write; nothing from this request was stored, retry it',
        );
      }
      body.accepted = decoded.events.length;
      if (body.accepted === 0) {
        return c.json(
          {
            ...body,
            error: {
              code: 'nothing_accepted',
              message: rejected.length === 0 ? 'the body holds no events' : 'every event was rejected; see rejected',
            },
          },
          400,
        );
      }
      return c.json(body, 202);
    },
  );
  return app;
}
