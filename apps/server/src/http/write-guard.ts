import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { jsonError } from './errors.ts';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Writes need the API token when one is configured. Without one the server is an open
 * local demo, which is why it binds to loopback by default.
 */
export function writeGuard(apiToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (!apiToken || !WRITE_METHODS.has(c.req.method)) return next();
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!token || !sameSecret(token, apiToken)) {
      c.header('WWW-Authenticate', 'Bearer');
      return jsonError(c, 401, 'unauthorised', 'this write needs Authorization: Bearer <NORTHSTAR_API_TOKEN>');
    }
    return next();
  };
}

/** Who made a change and why: recorded in the model's history. */
export function changeMeta(c: Context): { author: string; reason: string } {
  return {
    author: (c.req.header('x-northstar-user') ?? '').trim() || 'anonymous',
    reason: (c.req.header('x-northstar-reason') ?? '').trim(),
  };
}
