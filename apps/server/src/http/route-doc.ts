import type { MiddlewareHandler } from 'hono';
import { describeRoute } from 'hono-openapi';

/**
 * The OpenAPI description of one route, written beside the route it describes: the route
 * module passes `doc({...})` as the first middleware of each route, and openapi.ts walks the
 * app's routes to build the document. A route without one is missing from the document,
 * and http/openapi.test.ts fails on it.
 */
export interface RouteDoc {
  /** The group the route is listed under (alerts, auth, model …). */
  tag: string;
  summary: string;
  /** Query parameters: a name, or a name with `required` and a description. */
  query?: ReadonlyArray<string | { name: string; required?: boolean; description?: string; example?: string }>;
  /** Request headers the route reads (If-Match, Idempotency-Key …). */
  headers?: ReadonlyArray<{ name: string; description: string }>;
  /** The request body: a schema in components.schemas (openapi.ts), or a media type with a prose description. */
  body?: string | { media: string; description: string };
  /** Status → what it means. An error status (4xx, 5xx) has the Error body unless `schemas` says otherwise. */
  responses: Readonly<Record<number, string>>;
  /** Status → schema name in components.schemas for that response's JSON body. */
  schemas?: Readonly<Record<number, string>>;
  /** The route writes the model's history: X-Northstar-User / X-Northstar-Reason are read. */
  recordsChange?: boolean;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });

const CHANGE_HEADERS = [
  { name: 'X-Northstar-User', description: 'who makes the change, when auth is off (with auth on, the signed-in user or token)' },
  { name: 'X-Northstar-Reason', description: 'why (recorded in history)' },
];

export function doc(d: RouteDoc): MiddlewareHandler {
  const headers = [...(d.headers ?? []), ...(d.recordsChange ? CHANGE_HEADERS : [])];
  const parameters = [
    ...(d.query ?? []).map((q) =>
      typeof q === 'string'
        ? { name: q, in: 'query', schema: { type: 'string' } }
        : {
            name: q.name,
            in: 'query',
            required: q.required ?? false,
            ...(q.description ? { description: q.description } : {}),
            schema: { type: 'string', ...(q.example ? { example: q.example } : {}) },
          },
    ),
    ...headers.map((h) => ({ name: h.name, in: 'header', description: h.description, schema: { type: 'string' } })),
  ];
  const responses = Object.fromEntries(
    Object.entries(d.responses).map(([status, description]) => {
      const schema = d.schemas?.[Number(status)] ?? (Number(status) >= 400 ? 'Error' : undefined);
      return [status, schema ? { description, content: json(schema) } : { description }];
    }),
  );
  const body =
    d.body === undefined
      ? undefined
      : typeof d.body === 'string'
        ? { required: true, content: json(d.body) }
        : { required: true, description: d.body.description, content: { [d.body.media]: { schema: {} } } };
  return describeRoute({
    tags: [d.tag],
    summary: d.summary,
    ...(parameters.length > 0 ? { parameters: parameters as never } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
  });
}
