import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { CreateShareSchema, type CreatedShare, type ShareCurrent, type ShareView } from '@northstar/shared';
import { bearerToken } from '../auth/secrets.ts';
import { fieldProblems, invalid, ModelError } from '../model/model-errors.ts';
import type { ModelService } from '../model/model-service.ts';
import { ShareError, type ShareService } from '../share/share-service.ts';
import { jsonError } from './errors.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { modelErrorResponse, readJson } from './model-routes.ts';
import { changeMeta } from './write-guard.ts';

export type ShareApi = Pick<ShareService, 'list' | 'create' | 'revoke' | 'lookup'>;

export interface ShareRouteDeps {
  /** Absent only in tests that do not need share links. */
  shares?: ShareApi;
  model: ModelService;
}

const HOUR_MS = 3_600_000;

/** The link's default name, from what it shows; an unknown target is a 400 naming the field. */
function describe(view: ShareView, model: ModelService): string {
  const missing = (field: string, what: string, id: string) =>
    new ModelError(400, 'invalid', `${field}: no ${what} with id "${id.slice(0, 128)}"`, [
      { field, message: `no ${what} with id "${id.slice(0, 128)}"` },
    ]);
  if (view.kind === 'board') {
    const board = model.get('board', view.board);
    if (!board) throw missing('view.board', 'board', view.board);
    return `Board: ${board.name ?? board.id}`;
  }
  if (view.kind === 'kpi') {
    const kpi = model.get('kpi', view.kpi);
    if (!kpi) throw missing('view.kpi', 'KPI', view.kpi);
    return `KPI: ${kpi.name} (${view.range})`;
  }
  const objective = model.get('objective', view.objective);
  if (!objective) throw missing('view.objective', 'objective', view.objective);
  return `Objective: ${objective.name}`;
}

/**
 * Read-only share links (editors make, list and revoke them; auth/policy.ts) and the one
 * route a link itself calls: what it shows, or a clear answer when it expired or was revoked.
 */
export function shareRoutes(deps: ShareRouteDeps) {
  const guarded = async <R extends Response>(c: Context, work: (shares: ShareApi) => R | Promise<R>) => {
    if (!deps.shares) return jsonError(c, 404, 'shares_off', 'share links are not available on this server');
    try {
      return await work(deps.shares);
    } catch (err) {
      if (err instanceof ShareError) return jsonError(c, err.status, err.code, err.message);
      return modelErrorResponse(c, err);
    }
  };

  return new Hono()
    .get(
      '/api/v1/shares/current',
      doc({
        tag: 'shares',
        summary: 'What the share link in Authorization: Bearer shows (the link page asks this first)',
        responses: {
          200: 'ShareCurrent',
          401: 'No share token, or not one this server made',
          410: 'The link expired or was revoked (code share_expired or share_revoked)',
        },
      }),
      (c) =>
        guarded(c, (shares) => {
          c.header('Cache-Control', 'no-store');
          const token = bearerToken(c.req.header('authorization'));
          const found = token ? shares.lookup(token) : ({ state: 'unknown' } as const);
          if (found.state === 'unknown') return jsonError(c, 401, 'share_unknown', 'This is not a share link this server knows');
          const when = (ms: number | null) => new Date(ms ?? 0).toISOString();
          if (found.state === 'revoked')
            return jsonError(
              c,
              410,
              'share_revoked',
              `This link was revoked by ${found.share.revokedBy} at ${when(found.share.revokedAt)}`,
            );
          if (found.state === 'expired') return jsonError(c, 410, 'share_expired', `This link expired at ${when(found.share.expiresAt)}`);
          const { id, name, view, expiresAt } = found.share;
          const current: ShareCurrent = { id, name, view, expiresAt };
          return c.json(current);
        }),
    )
    .get(
      '/api/v1/shares',
      doc({
        tag: 'shares',
        summary: 'Share links, newest first, with who made them and when (editors)',
        responses: { 200: 'ShareInfo[]' },
      }),
      (c) => guarded(c, (shares) => c.json(shares.list())),
    )
    .post(
      '/api/v1/shares',
      doc({
        tag: 'shares',
        summary: 'Make a read-only link to a board, a KPI page or an objective subtree (editors); the token is in this answer only',
        body: 'CreateShare',
        responses: { 201: 'CreatedShare', 400: 'Invalid input; details name each bad field' },
      }),
      input<{ json: z.input<typeof CreateShareSchema> }>(),
      (c) =>
        guarded(c, async (shares) => {
          const parsed = CreateShareSchema.safeParse(await readJson(c, 16 * 1024));
          if (!parsed.success) throw invalid('invalid share link', fieldProblems(parsed.error));
          const { view, name, expiresInHours } = parsed.data;
          const title = describe(view, deps.model);
          const expiresInMs = expiresInHours ? Math.round(expiresInHours * HOUR_MS) : null;
          const made = await shares.create({ view, name: name ?? title, expiresInMs }, changeMeta(c).author);
          c.header('Cache-Control', 'no-store');
          const answer: CreatedShare = { ...made.info, token: made.token };
          return c.json(answer, 201);
        }),
    )
    .delete(
      '/api/v1/shares/:id',
      doc({
        tag: 'shares',
        summary: 'Revoke a share link (editors): it stops opening at once and its open pages are disconnected',
        responses: { 200: 'ShareInfo', 404: 'No such link', 409: 'Already revoked' },
      }),
      (c) => guarded(c, async (shares) => c.json(await shares.revoke(c.req.param('id'), changeMeta(c).author))),
    );
}
