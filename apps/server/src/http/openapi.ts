import type { Context, Hono } from 'hono';
import { generateSpecs } from 'hono-openapi';
import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import {
  AckInputSchema,
  AlertFeedbackInputSchema,
  AlertRuleSchema,
  AnnotationInputSchema,
  AppChannelSchema,
  AppRouteSchema,
  EmbedOriginsSettingSchema,
  BacktestKpiRequestSchema,
  BacktestSeriesRequestSchema,
  BoardSchema,
  ChangePasswordSchema,
  CheckinInputSchema,
  CreateKioskSchema,
  CreateShareSchema,
  CreateTokenSchema,
  CreateUserSchema,
  DetectionFeedbackInputSchema,
  GoalSchema,
  KpiSchema,
  LoginSchema,
  NorthstarConfigSchema,
  ObjectiveSchema,
  SilenceInputSchema,
  UpdateUserSchema,
} from '@northstar/shared';
import { SERVER_VERSION } from '../version.ts';

type Schema = OpenAPIV3_1.SchemaObject;
/** OpenAPI 3.1 schemas are JSON Schema 2020-12, which zod writes; only the two libraries' types differ. */
const schema = (s: z.ZodType) => z.toJSONSchema(s, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Schema;
const keyed = (s: z.ZodType) => schema(z.object({ key: z.string().describe('the alert key') }).and(s));

const ERROR: Schema = {
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
          description: 'each bad field: its path (e.g. "kpis[0].window") and what is wrong with it',
          items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
    },
  },
};

/** packages/shared/src/api.ts IngestResponse. */
const INGEST_RESPONSE: Schema = {
  type: 'object',
  required: ['accepted', 'rejected'],
  properties: {
    accepted: { type: 'integer' },
    rejected: {
      type: 'array',
      items: { type: 'object', required: ['line', 'reason'], properties: { line: { type: 'integer' }, reason: { type: 'string' } } },
    },
    rejectedTotal: { type: 'integer', description: 'how many were rejected, when more than the list holds' },
    duplicates: { type: 'integer', description: 'accepted events whose id was already stored' },
    duplicate: { type: 'boolean', description: 'the Idempotency-Key was already stored' },
  },
};

const READINESS: Schema = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { enum: ['ready', 'degraded', 'not_ready'] },
    checks: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/**
 * Everything in the document that is not a route: its info, the body schemas the routes
 * name (built from the same zod schemas that validate the requests) and the security
 * schemes. The paths come from the routes themselves (route-doc.ts).
 */
export function openApiDocumentation(): Partial<OpenAPIV3_1.Document> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Northstar',
      version: SERVER_VERSION,
      description: 'Live KPI alignment wall: objectives, KPIs, targets, feedback and metric events.',
    },
    components: {
      schemas: {
        Objective: schema(ObjectiveSchema),
        Kpi: schema(KpiSchema),
        Goal: schema(GoalSchema),
        AlertRule: schema(AlertRuleSchema),
        Board: schema(BoardSchema),
        AppChannel: schema(AppChannelSchema),
        AppRoute: schema(AppRouteSchema),
        EmbedOriginsSetting: schema(EmbedOriginsSettingSchema),
        CheckinInput: schema(CheckinInputSchema),
        AnnotationInput: schema(AnnotationInputSchema),
        Model: schema(NorthstarConfigSchema),
        SilenceInput: schema(SilenceInputSchema),
        AckRequest: keyed(AckInputSchema),
        AlertFeedbackRequest: keyed(AlertFeedbackInputSchema),
        BacktestRequest: schema(z.union([BacktestKpiRequestSchema, BacktestSeriesRequestSchema])),
        DetectionFeedbackInput: schema(DetectionFeedbackInputSchema),
        Login: schema(LoginSchema),
        ChangePassword: schema(ChangePasswordSchema),
        CreateUser: schema(CreateUserSchema),
        UpdateUser: schema(UpdateUserSchema),
        CreateToken: schema(CreateTokenSchema),
        CreateKiosk: schema(CreateKioskSchema),
        CreateShare: schema(CreateShareSchema),
        IngestResponse: INGEST_RESPONSE,
        Readiness: READINESS,
        Error: ERROR,
      },
      securitySchemes: {
        token: {
          type: 'http',
          scheme: 'bearer',
          description:
            'an API token (scopes ingest, read, admin), a kiosk token (its board only), a share link token (its view only, read-only) or NORTHSTAR_API_TOKEN (admin)',
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

/** The document as clients read it: the parts a client looks at, typed; the rest as JSON. */
export interface OpenApiDocumentJson {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, object | undefined>;
  components?: { schemas?: Record<string, object> };
}

/** GET /api/v1/openapi.json: the document of every route `app` holds, built once on the first request. */
export function openApiHandler(app: Hono) {
  let built: Promise<OpenApiDocumentJson> | undefined;
  return async (c: Context) => {
    // openapi.json itself ends in a file extension: it is a route here, not a static file
    built ??= generateSpecs(app, { documentation: openApiDocumentation(), excludeStaticFile: false });
    return c.json(await built);
  };
}
