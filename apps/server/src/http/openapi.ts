import { z } from 'zod';
import {
  AlertRuleSchema,
  AnnotationInputSchema,
  BoardSchema,
  CheckinInputSchema,
  GoalSchema,
  KpiSchema,
  NorthstarConfigSchema,
  ObjectiveSchema,
} from '@northstar/shared';
import { SERVER_VERSION } from '../version.ts';

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const error = { $ref: '#/components/schemas/Error' };
const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const errors = {
  400: { description: 'Invalid input; details name each bad field', content: { 'application/json': { schema: error } } },
  401: { description: 'A write without the API token (when one is configured)' },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const queryParams = (...names: string[]) => names.map((name) => ({ name, in: 'query', schema: { type: 'string' } }));
const writeHeaders = [
  { name: 'X-Northstar-User', in: 'header', schema: { type: 'string' }, description: 'who makes the change (recorded in history)' },
  { name: 'X-Northstar-Reason', in: 'header', schema: { type: 'string' }, description: 'why (recorded in history)' },
];

function crud(path: string, ref: string) {
  return {
    [`/api/v1/${path}`]: {
      get: { summary: `List ${path}`, responses: { 200: { description: 'OK' } } },
      post: {
        summary: `Create one of ${path}`,
        parameters: writeHeaders,
        requestBody: json(ref),
        responses: { 201: { description: 'Created' }, 409: { description: 'Exists' }, ...errors },
      },
    },
    [`/api/v1/${path}/{id}`]: {
      get: {
        summary: 'One, with its version',
        parameters: [idParam],
        responses: { 200: { description: 'OK' }, 404: { description: 'Not found' } },
      },
      put: {
        summary: 'Create or replace; If-Match: <version> guards against lost updates',
        parameters: [idParam, ...writeHeaders, { name: 'If-Match', in: 'header', schema: { type: 'string' } }],
        requestBody: json(ref),
        responses: { 200: { description: 'Stored as a new version' }, 409: { description: 'Version conflict' }, ...errors },
      },
      delete: {
        summary: 'Delete (history is kept)',
        parameters: [idParam, ...writeHeaders],
        responses: { 204: { description: 'Deleted' }, 409: { description: 'Still referenced' } },
      },
    },
    [`/api/v1/${path}/{id}/history`]: {
      get: { summary: 'Every version: who, when, what, why', parameters: [idParam], responses: { 200: { description: 'OK' } } },
    },
  };
}

/** The OpenAPI document, built from the same zod schemas that validate requests. */
export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Northstar',
      version: SERVER_VERSION,
      description: 'Live KPI alignment wall: objectives, KPIs, targets, feedback and metric events.',
    },
    paths: {
      '/api/v1/events': {
        post: {
          summary:
            'Ingest metric events: a JSON array, or NDJSON with Content-Type application/x-ndjson; UTF-8, optionally Content-Encoding: gzip',
          responses: {
            202: { description: '{accepted, rejected: [{line, reason}]}' },
            400: { description: 'Nothing accepted' },
            403: { description: 'Origin or Host not allowed' },
            413: { description: 'Body over the limit (after gzip inflation too)' },
            415: { description: 'Content-Encoding other than gzip or identity' },
            503: { description: 'Store unavailable; retry after Retry-After' },
          },
        },
      },
      ...crud('objectives', 'Objective'),
      ...crud('kpis', 'Kpi'),
      ...crud('goals', 'Goal'),
      ...crud('rules', 'AlertRule'),
      ...crud('boards', 'Board'),
      '/api/v1/kpis/{id}/series': {
        get: {
          summary: 'The KPI over time with the target in force at each point; compare=previous,last_year adds those periods',
          parameters: [idParam, ...queryParams('from', 'to', 'step', 'compare')],
          responses: { 200: { description: 'OK' }, ...errors },
        },
      },
      '/api/v1/kpis/{id}/breakdown': {
        get: {
          summary: 'The KPI over a range by one dimension: the top N values and "other"; with step, each top value’s series',
          parameters: [idParam, ...queryParams('dim', 'from', 'to', 'top', 'step')],
          responses: { 200: { description: 'OK' }, ...errors },
        },
      },
      '/api/v1/kpis/{id}/dimensions': {
        get: {
          summary: 'The dimension names the KPI’s events carry over a range, with how many events carry each',
          parameters: [idParam, ...queryParams('from', 'to')],
          responses: { 200: { description: 'OK' }, ...errors },
        },
      },
      '/api/v1/kpis/{id}/export': {
        get: {
          summary: 'The series with the target in force, as a CSV or JSON attachment',
          parameters: [idParam, ...queryParams('format', 'from', 'to', 'step')],
          responses: { 200: { description: 'OK' }, ...errors },
        },
      },
      '/api/v1/kpis/{id}/target-suggestion': {
        get: {
          summary: 'Maintain and stretch targets from the KPI’s own history',
          parameters: [idParam, { name: 'period', in: 'query', required: true, schema: { type: 'string', example: '2027-Q1' } }],
          responses: { 200: { description: 'OK' }, ...errors },
        },
      },
      '/api/v1/checkins': {
        get: { summary: 'Check-ins, newest first', responses: { 200: { description: 'OK' } } },
        post: {
          summary: 'Record a check-in',
          parameters: writeHeaders,
          requestBody: json('CheckinInput'),
          responses: { 201: { description: 'Created' }, ...errors },
        },
      },
      '/api/v1/annotations': {
        get: { summary: 'Annotations of a KPI in a range', responses: { 200: { description: 'OK' } } },
        post: {
          summary: 'Annotate a KPI at a time',
          parameters: writeHeaders,
          requestBody: json('AnnotationInput'),
          responses: { 201: { description: 'Created' }, ...errors },
        },
      },
      '/api/v1/alignment': {
        get: { summary: 'The alignment tree with roll-ups, goals and lint', responses: { 200: { description: 'OK' } } },
      },
      '/api/v1/lint': { get: { summary: 'Alignment lint findings, each with a one-line fix', responses: { 200: { description: 'OK' } } } },
      '/api/v1/reviews': { get: { summary: 'Reviews due or overdue', responses: { 200: { description: 'OK' } } } },
      '/api/v1/milestones': { get: { summary: 'Targets reached, newest first', responses: { 200: { description: 'OK' } } } },
      '/api/v1/model': {
        get: { summary: 'The whole model as YAML (or JSON with Accept: application/json)', responses: { 200: { description: 'OK' } } },
        put: {
          summary: 'Import a whole model (YAML or JSON); ?mode=replace (default) or merge',
          requestBody: json('Model'),
          responses: { 200: { description: '{created, updated, deleted, unchanged}' }, ...errors },
        },
      },
      '/healthz': { get: { summary: 'Process up', responses: { 200: { description: 'OK' } } } },
      '/readyz': {
        get: {
          summary: 'Store reachable (and Kafka joined when configured)',
          responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } },
        },
      },
    },
    components: {
      schemas: {
        Objective: schema(ObjectiveSchema),
        Kpi: schema(KpiSchema),
        Goal: schema(GoalSchema),
        AlertRule: schema(AlertRuleSchema),
        Board: schema(BoardSchema),
        CheckinInput: schema(CheckinInputSchema),
        AnnotationInput: schema(AnnotationInputSchema),
        Model: schema(NorthstarConfigSchema),
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: {
                  type: 'array',
                  items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description: 'an API token (scopes ingest, read, admin), a kiosk token (its board only) or NORTHSTAR_API_TOKEN (admin)',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'northstar_session',
          description: 'from POST /api/v1/auth/login; writes also need X-CSRF-Token from /api/v1/auth/me',
        },
      },
    },
  };
}
