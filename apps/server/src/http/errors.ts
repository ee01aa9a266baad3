import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorResponse } from '@northstar/shared';

/** Every error body has one shape; messages say what was wrong and never carry stacks or SQL. */
export function jsonError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: ErrorResponse['error']['details'],
) {
  const body: ErrorResponse = { error: details ? { code, message, details } : { code, message } };
  return c.json(body, status);
}
