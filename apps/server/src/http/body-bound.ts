import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { jsonError } from './errors.ts';

/**
 * The most any API body other than ingest may carry (a whole model import, a backtest
 * series). Routes check their own smaller limits after reading; this bound stops the read
 * itself, by Content-Length or while streaming, so a huge body never sits in memory.
 */
const MAX_API_BODY_BYTES = 4 * 1024 * 1024;

/** Ingest has its own, configurable limit (HTTP_BODY_LIMIT_BYTES). */
const OWN_LIMIT = new Set(['/api/v1/events']);

export function apiBodyBound(maxBytes = MAX_API_BODY_BYTES): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: (c) => jsonError(c, 413, 'body_too_large', `request body is larger than ${maxBytes} bytes`),
  });
  return (c, next) => (OWN_LIMIT.has(c.req.path) ? next() : limit(c, next));
}
