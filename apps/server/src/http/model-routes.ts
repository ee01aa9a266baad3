import { Hono, type Context } from 'hono';
import { forbiddenKeyProblem } from '@northstar/shared';
import type { EntityKind } from '../store/model-repo.ts';
import { jsonSyntaxError } from '../ingest/json-syntax.ts';
import { ModelError } from '../model/model-errors.ts';
import type { ModelService } from '../model/model-service.ts';
import { jsonError } from './errors.ts';
import { changeMeta } from './write-guard.ts';

/** Model definitions are small; a bigger body is a mistake. */
export const MAX_DEFINITION_BYTES = 64 * 1024;

const ROUTES: Array<{ kind: EntityKind; path: string }> = [
  { kind: 'objective', path: 'objectives' },
  { kind: 'kpi', path: 'kpis' },
  { kind: 'goal', path: 'goals' },
  { kind: 'rule', path: 'rules' },
  { kind: 'board', path: 'boards' },
];

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

function expectedVersion(c: Context): number | undefined {
  const raw = c.req.header('if-match');
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/^W\//, '').replaceAll('"', ''));
  if (!Number.isInteger(n) || n < 0) throw new ModelError(400, 'bad_if_match', 'If-Match must be the version number you edited, e.g. "3"');
  return n;
}

/**
 * Create, replace, delete and list the history of objectives, KPIs and goals. Writes are
 * versioned (who, when, what, why: X-Northstar-User / X-Northstar-Reason headers) and
 * answer with the new version in the ETag; If-Match guards against lost updates.
 */
export function modelRoutes(model: ModelService): Hono {
  const app = new Hono();
  for (const { kind, path } of ROUTES) {
    const base = `/api/v1/${path}`;
    const one = (c: Context, id: string) => {
      const def = model.get(kind, id);
      if (!def) return jsonError(c, 404, 'not_found', `no ${kind} with id "${id.slice(0, 100)}"`);
      c.header('ETag', `"${model.version(kind, id)}"`);
      return c.json({ ...def, version: model.version(kind, id) });
    };
    if (kind !== 'kpi') {
      // KPIs are listed with their live state by kpi-routes
      app.get(base, (c) => c.json(model.list(kind).map((d) => ({ ...d, version: model.version(kind, d.id) }))));
      app.get(`${base}/:id`, (c) => one(c, c.req.param('id')));
    }
    app.post(base, async (c) => {
      try {
        const r = await model.upsert(kind, await readJson(c), changeMeta(c), { create: true });
        c.header('ETag', `"${r.version}"`);
        return c.json({ ...r.definition, version: r.version }, 201);
      } catch (err) {
        return modelErrorResponse(c, err);
      }
    });
    app.put(`${base}/:id`, async (c) => {
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
    });
    app.delete(`${base}/:id`, async (c) => {
      try {
        await model.remove(kind, c.req.param('id'), changeMeta(c), expectedVersion(c));
        return c.body(null, 204);
      } catch (err) {
        return modelErrorResponse(c, err);
      }
    });
    app.get(`${base}/:id/history`, async (c) => {
      const rows = await model.history(kind, c.req.param('id'));
      if (rows.length === 0)
        return jsonError(c, 404, 'not_found', `no ${kind} with id "${c.req.param('id').slice(0, 100)}" has ever existed`);
      return c.json(
        rows.map((r) => ({
          version: r.version,
          op: r.op,
          author: r.author,
          reason: r.reason,
          changedAt: r.changedAt,
          definition: r.body ? (JSON.parse(r.body) as unknown) : null,
        })),
      );
    });
  }
  return app;
}
