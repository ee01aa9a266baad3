import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import {
  AlertRuleSchema,
  BoardSchema,
  GoalSchema,
  KpiSchema,
  ObjectiveSchema,
  forbiddenKeyProblem,
  type DefinitionVersion,
} from '@northstar/shared';
import type { EntityKind } from '../store/model-repo.ts';
import { jsonSyntaxError } from '../ingest/json-syntax.ts';
import { ModelError } from '../model/model-errors.ts';
import type { DefinitionOf, ModelService } from '../model/model-service.ts';
import { jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { changeMeta } from './write-guard.ts';

/** Model definitions are small; a bigger body is a mistake. */
export const MAX_DEFINITION_BYTES = 64 * 1024;

export function modelErrorResponse(c: Context, err: unknown) {
  if (err instanceof ModelError) return jsonError(c, err.status, err.code, err.message, err.details);
  throw err;
}

/** Reads a JSON body with a size bound, or says exactly what is wrong with it. */
export async function readJson(c: Context, maxBytes = MAX_DEFINITION_BYTES): Promise<unknown> {
  const text = await c.req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new ModelError(400, 'too_large', `body is larger than ${maxBytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    throw new ModelError(400, 'bad_json', `body is not valid JSON (${jsonSyntaxError(text, (err as Error).message)})`);
  }
  const forbidden = forbiddenKeyProblem(value);
  if (forbidden !== undefined) throw new ModelError(400, 'bad_key', forbidden);
  return value;
}

export function expectedVersion(c: Context): number | undefined {
  const raw = c.req.header('if-match');
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/^W\//, '').replaceAll('"', ''));
  if (!Number.isInteger(n) || n < 0) throw new ModelError(400, 'bad_if_match', 'If-Match must be the version number you edited, e.g. "3"');
  return n;
}

/** The alignment kinds served here; channels, routes and settings have their own routes (their secrets and admins). */
type AlignmentKind = Exclude<EntityKind, 'channel' | 'route' | 'setting'>;

/** What a client writes for each kind: the input of its schema (defaults may be left out). */
interface DefinitionInput {
  objective: z.input<typeof ObjectiveSchema>;
  kpi: z.input<typeof KpiSchema>;
  goal: z.input<typeof GoalSchema>;
  rule: z.input<typeof AlertRuleSchema>;
  board: z.input<typeof BoardSchema>;
}

/** What a kind is called in the documentation and which schema its body has. */
const DOCS: Record<AlignmentKind, { plural: string; schema: string }> = {
  objective: { plural: 'objectives', schema: 'Objective' },
  kpi: { plural: 'KPIs', schema: 'Kpi' },
  goal: { plural: 'goals', schema: 'Goal' },
  rule: { plural: 'alert rules', schema: 'AlertRule' },
  board: { plural: 'boards', schema: 'Board' },
};

/** List and read one definition of a kind, with its version (KPIs are listed with their live state by kpi-routes). */
function readRoutes<K extends AlignmentKind>(model: ModelService, kind: K) {
  const { plural } = DOCS[kind];
  return new Hono()
    .get('/', doc({ tag: 'model', summary: `List ${plural}, each with its version`, responses: { 200: 'OK' } }), (c) =>
      c.json(model.list(kind).map((d) => ({ ...d, version: model.version(kind, d.id) }))),
    )
    .get(
      '/:id',
      doc({ tag: 'model', summary: 'One, with its version; ETag: the version', responses: { 200: 'OK', 404: 'Not found' } }),
      (c) => {
        const id = c.req.param('id');
        const def = model.get(kind, id);
        if (!def) return jsonError(c, 404, 'not_found', `no ${kind} with id "${id.slice(0, 100)}"`);
        c.header('ETag', `"${model.version(kind, id)}"`);
        return c.json({ ...def, version: model.version(kind, id) });
      },
    );
}

/**
 * Create, replace, delete and list the history of one kind. Writes are versioned (who,
 * when, what, why: X-Northstar-User / X-Northstar-Reason headers) and answer with the new
 * version in the ETag; If-Match guards against lost updates.
 */
function writeRoutes<K extends AlignmentKind>(model: ModelService, kind: K) {
  const { plural, schema } = DOCS[kind];
  const ifMatch = [{ name: 'If-Match', description: 'the version you edited; 409 when it changed since' }];
  return new Hono()
    .post(
      '/',
      doc({
        tag: 'model',
        summary: `Create one of the ${plural}`,
        body: schema,
        recordsChange: true,
        responses: { 201: 'Created, with its version', 400: 'Invalid input; details name each bad field', 409: 'Exists' },
      }),
      input<{ json: DefinitionInput[K] }>(),
      async (c) => {
        try {
          const r = await model.upsert(kind, await readJson(c), changeMeta(c), { create: true });
          c.header('ETag', `"${r.version}"`);
          return c.json({ ...r.definition, version: r.version }, 201);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    )
    .put(
      '/:id',
      doc({
        tag: 'model',
        summary: 'Create or replace; If-Match: <version> guards against lost updates',
        body: schema,
        headers: ifMatch,
        recordsChange: true,
        responses: { 200: 'Stored as a new version', 400: 'Invalid input; details name each bad field', 409: 'Version conflict' },
      }),
      input<{ json: DefinitionInput[K] }>(),
      async (c) => {
        try {
          const r = await model.upsert(kind, await readJson(c), changeMeta(c), {
            id: c.req.param('id'),
            expectedVersion: expectedVersion(c),
          });
          c.header('ETag', `"${r.version}"`);
          return c.json({ ...r.definition, version: r.version }, 200);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    )
    .delete(
      '/:id',
      doc({
        tag: 'model',
        summary: 'Delete (history is kept)',
        headers: ifMatch,
        recordsChange: true,
        responses: { 204: 'Deleted', 404: 'Not found', 409: 'Still referenced, or version conflict' },
      }),
      async (c) => {
        try {
          await model.remove(kind, c.req.param('id'), changeMeta(c), expectedVersion(c));
          return c.body(null, 204);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    )
    .get(
      '/:id/history',
      doc({ tag: 'model', summary: 'Every version: who, when, what, why', responses: { 200: 'OK', 404: 'Never existed' } }),
      async (c) => {
        const rows = await model.history(kind, c.req.param('id'));
        if (rows.length === 0)
          return jsonError(c, 404, 'not_found', `no ${kind} with id "${c.req.param('id').slice(0, 100)}" has ever existed`);
        const history: DefinitionVersion<DefinitionOf<K>>[] = rows.map((r) => ({
          version: r.version,
          op: r.op,
          author: r.author,
          reason: r.reason,
          changedAt: r.changedAt,
          definition: r.body ? (JSON.parse(r.body) as DefinitionOf<K>) : null,
        }));
        return c.json(history);
      },
    );
}

/** Objectives, KPIs, goals, alert rules and boards: each kind read and written under its own path. */
export function modelRoutes(model: ModelService) {
  return new Hono()
    .route('/api/v1/objectives', readRoutes(model, 'objective'))
    .route('/api/v1/objectives', writeRoutes(model, 'objective'))
    .route('/api/v1/kpis', writeRoutes(model, 'kpi'))
    .route('/api/v1/goals', readRoutes(model, 'goal'))
    .route('/api/v1/goals', writeRoutes(model, 'goal'))
    .route('/api/v1/rules', readRoutes(model, 'rule'))
    .route('/api/v1/rules', writeRoutes(model, 'rule'))
    .route('/api/v1/boards', readRoutes(model, 'board'))
    .route('/api/v1/boards', writeRoutes(model, 'board'));
}
