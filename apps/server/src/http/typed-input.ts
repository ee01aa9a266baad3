import type { MiddlewareHandler } from 'hono';
import type { BlankEnv } from 'hono/types';

/**
 * The inputs a route reads, as types only: the typed client (`hc<AppType>`) then checks a
 * caller's JSON body and query against them. The route still reads and validates its input
 * itself (readJson, the shared zod schemas), so a bad request keeps its field-by-field
 * error and nothing about the answers changes; this middleware only passes the request on.
 */
export function input<T extends { json?: unknown; query?: Record<string, string | undefined> }>(): MiddlewareHandler<
  BlankEnv,
  string,
  { in: T; out: T }
> {
  return async (_c, next) => {
    await next();
  };
}
