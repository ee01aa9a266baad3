import { Hono } from 'hono';
import { SHARE_TOKEN_PATTERN, type CreatedShare, type ShareCurrent, type ShareInfo } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { authorize, requiredAccess } from '../auth/policy.ts';
import { bearerToken } from '../auth/secrets.ts';
import type { Principal } from '../auth/types.ts';
import { ShareService, type ShareRows } from '../share/share-service.ts';
import type { ShareRow } from '../store/share-repo.ts';
import { jsonError } from './errors.ts';
import { JSON_HEADERS, SALES_MODEL, expectError, memoryModel } from './routes.fixture.ts';
import { shareRoutes } from './share-routes.ts';

/** The store's rows in memory: every version kept, the newest per id in force (as share_links answers). */
function memoryRows(): ShareRows & { rows: ShareRow[] } {
  const rows: ShareRow[] = [];
  return {
    rows,
    current: () => {
      const newest = new Map<string, ShareRow>();
      for (const r of rows) if ((newest.get(r.id)?.version ?? 0) < r.version) newest.set(r.id, r);
      return Promise.resolve([...newest.values()]);
    },
    write: (row) => {
      rows.push(row);
      return Promise.resolve();
    },
  };
}

const EDITOR: Principal = { kind: 'user', name: 'ana', role: 'editor', csrf: 'c', sessionHash: 'h' };
const VIEWER: Principal = { kind: 'user', name: 'vic', role: 'viewer', csrf: 'c', sessionHash: 'h2' };

/**
 * The routes behind the guard's rules (auth/policy.ts): a request is made as `who`, or with a
 * bearer share token resolved by the share service, as the real guard does through AuthService.
 */
async function setup(start = Date.parse('2026-11-02T09:00:00Z')) {
  let now = start;
  const rows = memoryRows();
  const shares = await ShareService.load(rows, { now: () => now });
  const ended: string[] = [];
  shares.onEnded((c) => ended.push(c));
  const model = await memoryModel({ ...SALES_MODEL, boards: [{ id: 'sales-board', name: 'Sales', kpis: ['orders'] }] });
  let who: Principal | undefined;
  const app = new Hono()
    .use(async (c, next) => {
      const token = bearerToken(c.req.header('authorization'));
      const principal = token ? (shares.fromToken(token) ?? undefined) : who;
      c.set('principal', principal);
      const verdict = authorize(principal ?? null, requiredAccess(c.req.method, c.req.path), c.req.method, c.req.path);
      return verdict.ok ? next() : jsonError(c, verdict.status, 'denied', verdict.message);
    })
    .route('/', shareRoutes({ shares, model }))
    .get('/api/v1/boards/:id', (c) => c.json({ id: c.req.param('id') }))
    .get('/api/v1/kpis/:id', (c) => c.json({ id: c.req.param('id') }));
  const as = (p: Principal | undefined) => (who = p);
  const create = async (body: unknown) =>
    app.request('/api/v1/shares', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
  const withToken = (path: string, token: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${token}` } });
  return { app, rows, shares, ended, as, create, withToken, tick: (ms: number) => (now += ms), model };
}

describe('share links', () => {
  it('are made by an editor, shown once, listed with who made them and when, and stored with only the hash', async () => {
    const t = await setup();
    t.as(EDITOR);
    const res = await t.create({ view: { kind: 'board', board: 'sales-board' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const made = (await res.json()) as CreatedShare;
    expect(made.token).toMatch(SHARE_TOKEN_PATTERN);
    expect(made).toMatchObject({ name: 'Board: Sales', createdBy: 'ana', createdAt: Date.parse('2026-11-02T09:00:00Z'), expiresAt: null });
    const list = (await (await t.app.request('/api/v1/shares')).json()) as ShareInfo[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: made.id, createdBy: 'ana', revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(made.token);
    expect(JSON.stringify(list)).not.toContain('hash');
    // the store holds the token's SHA-256, never the token
    expect(t.rows.rows[0]?.body).not.toContain(made.token.split('_')[2]);
    expect(JSON.parse(t.rows.rows[0]?.body ?? '{}')).toHaveProperty('hash', expect.stringMatching(/^[0-9a-f]{64}$/));
  });

  it('refuse bad input with the field that is wrong, and viewers', async () => {
    const t = await setup();
    t.as(EDITOR);
    const unknown = await expectError(await t.create({ view: { kind: 'board', board: 'nope' } }), 400, 'invalid');
    expect(unknown.details).toEqual([{ field: 'view.board', message: 'no board with id "nope"' }]);
    const badKind = await expectError(await t.create({ view: { kind: 'wall' } }), 400, 'invalid');
    expect(badKind.details?.[0]?.field).toBe('view.kind');
    const badRange = await expectError(await t.create({ view: { kind: 'kpi', kpi: 'orders', range: '9y' } }), 400, 'invalid');
    expect(badRange.details?.[0]?.field).toBe('view.range');
    const badExpiry = await expectError(await t.create({ view: { kind: 'kpi', kpi: 'orders' }, expiresInHours: -1 }), 400, 'invalid');
    expect(badExpiry.details).toEqual([{ field: 'expiresInHours', message: 'must be more than 0' }]);
    expect(t.rows.rows).toHaveLength(0);
    t.as(VIEWER);
    expect((await t.create({ view: { kind: 'board', board: 'sales-board' } })).status).toBe(403);
    expect((await t.app.request('/api/v1/shares')).status).toBe(403);
  });

  it('open their view read-only, and nothing else', async () => {
    const t = await setup();
    t.as(EDITOR);
    const made = (await (await t.create({ view: { kind: 'kpi', kpi: 'orders', range: '7d' } })).json()) as CreatedShare;
    t.as(undefined);
    const current = (await (await t.withToken('/api/v1/shares/current', made.token)).json()) as ShareCurrent;
    expect(current).toEqual({ id: made.id, name: 'KPI: Orders (7d)', view: { kind: 'kpi', kpi: 'orders', range: '7d' }, expiresAt: null });
    expect((await t.withToken('/api/v1/kpis/orders', made.token)).status).toBe(200);
    expect((await t.withToken('/api/v1/kpis/revenue', made.token)).status).toBe(403);
    expect((await t.withToken('/api/v1/boards/sales-board', made.token)).status).toBe(403);
    expect((await t.withToken('/api/v1/shares', made.token)).status).toBe(403);
    expect((await t.withToken('/api/v1/kpis/orders', made.token, { method: 'DELETE' })).status).toBe(403);
    // a made-up token of the right shape is not a link
    const forged = `nss_${made.id}_${'A'.repeat(43)}`;
    await expectError(await t.withToken('/api/v1/shares/current', forged), 401, 'share_unknown');
    await expectError(await t.app.request('/api/v1/shares/current'), 401, 'share_unknown');
  });

  it('stop opening when revoked, say so, and end the live connections they let in', async () => {
    const t = await setup();
    t.as(EDITOR);
    const made = (await (await t.create({ view: { kind: 'objective', objective: 'sales' } })).json()) as CreatedShare;
    const revoked = await t.app.request(`/api/v1/shares/${made.id}`, { method: 'DELETE' });
    expect(await revoked.json()).toMatchObject({ id: made.id, revokedBy: 'ana', revokedAt: expect.any(Number) as number });
    expect(t.ended).toEqual([`share:${made.id}`]);
    const page = await expectError(await t.withToken('/api/v1/shares/current', made.token), 410, 'share_revoked');
    expect(page.message).toContain('revoked by ana');
    await expectError(await t.app.request(`/api/v1/shares/${made.id}`, { method: 'DELETE' }), 409, 'revoked');
    await expectError(await t.app.request('/api/v1/shares/000000000000', { method: 'DELETE' }), 404, 'not_found');
    // a restart (or another instance) reads the same: still revoked
    const again = await ShareService.load(t.rows);
    expect(again.lookup(made.token).state).toBe('revoked');
  });

  it('stop opening when they expire, and the sweep ends their connections once', async () => {
    const t = await setup();
    t.as(EDITOR);
    const made = (await (await t.create({ view: { kind: 'board', board: 'sales-board' }, expiresInHours: 2 })).json()) as CreatedShare;
    expect(made.expiresAt).toBe(Date.parse('2026-11-02T11:00:00Z'));
    t.as(undefined);
    expect((await t.withToken('/api/v1/boards/sales-board', made.token)).status).toBe(200);
    t.tick(2 * 3_600_000);
    const page = await expectError(await t.withToken('/api/v1/shares/current', made.token), 410, 'share_expired');
    expect(page.message).toContain('2026-11-02T11:00:00.000Z');
    expect((await t.withToken('/api/v1/boards/sales-board', made.token)).status).toBe(401);
    expect(t.shares.sweep()).toBe(1);
    expect(t.shares.sweep()).toBe(0);
    expect(t.ended).toEqual([`share:${made.id}`]);
  });
});
