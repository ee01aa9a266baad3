import type { Context } from 'hono';
import type { ContentfulStatusCode, SuccessStatusCode } from 'hono/utils/http-status';
import type { ErrorResponse } from '@northstar/shared';
import type { FieldProblem } from '@northstar/shared';

/** An error status: the typed client (`hc`) keeps these bodies apart from the answers. */
export type ErrorStatus = Exclude<ContentfulStatusCode, SuccessStatusCode>;

/** Every error body has one shape; messages say what was wrong and never carry stacks or SQL. */
export function jsonError<S extends ErrorStatus>(
  c: Context,
  status: S,
  code: string,
  message: string,
  details?: ErrorResponse['error']['details'],
) {
  const body: ErrorResponse = { error: details ? { code, message, details } : { code, message } };
  return c.json(body, status);
}

/** A 400 for query parameters: every problem in the message, and each by field in the details. */
export function badQuery(c: Context, problems: FieldProblem[]) {
  return jsonError(c, 400, 'bad_query', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}
