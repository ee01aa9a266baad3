import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelRoutes } from '../apps/server/src/http/model-routes.ts';
import { ModelService } from '../apps/server/src/model/model-service.ts';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { ModelRepo } from '../apps/server/src/store/model-repo.ts';

/**
 * The model routes module alone, through Hono's `app.request()` (no port, no auth layer),
 * over a real ModelService on a real chdb store in a temporary directory.
 */
let dir: string;
let store: ClickHouse;
let app: ReturnType<typeof modelRoutes>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'northstar-model-routes-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir: dir });
  await migrate(store.client);
  app = modelRoutes(await ModelService.load(new ModelRepo(store.client)));
});
afterAll(async () => {
  await store?.client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const HEADERS = { 'content-type': 'application/json', 'x-northstar-user': 'ana', 'x-northstar-reason': 'unit test' };

function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  return app.request(url, {
    method,
    headers: { ...HEADERS, ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The `error` member of an error body; `{}` when the body has none, so the assertion on it fails. */
async function errorOf(res: Response): Promise<unknown> {
  const body: unknown = await res.json();
  return typeof body === 'object' && body !== null && 'error' in body ? body.error : {};
}

describe('model routes over app.request()', () => {
  it('creates an objective: 201, the stored definition with its defaults, version 1 and an ETag', async () => {
    const res = await send('POST', '/api/v1/objectives', { id: 'growth', name: 'Grow' });
    expect(res.status).toBe(201);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await res.json()).toEqual({ id: 'growth', name: 'Grow', level: 'organisation', rollup: 'weighted_average', version: 1 });
  });

  it('refuses to create the same id twice with a 409 that says to PUT', async () => {
    const res = await send('POST', '/api/v1/objectives', { id: 'growth', name: 'Again' });
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: 'exists', message: expect.stringContaining('PUT') });
  });

  it('names each bad field of an invalid body and a broken reference', async () => {
    const bad = await send('POST', '/api/v1/objectives', { id: 'Bad Id', name: '' });
    expect(bad.status).toBe(400);
    expect(await errorOf(bad)).toMatchObject({
      code: 'invalid',
      details: expect.arrayContaining([expect.objectContaining({ field: 'id' }), expect.objectContaining({ field: 'name' })]),
    });

    const orphan = await send('POST', '/api/v1/objectives', { id: 'orphan', name: 'Orphan', parent: 'nowhere' });
    expect(orphan.status).toBe(400);
    expect(await errorOf(orphan)).toHaveProperty('details', [{ field: 'parent', message: 'no objective with id "nowhere"' }]);
  });

  it('says where a body is not JSON', async () => {
    const res = await send('POST', '/api/v1/objectives', '{"id": "x",');
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'bad_json' });
  });

  it('gets one objective with its version, and 404 for an unknown id', async () => {
    const res = await send('GET', '/api/v1/objectives/growth');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await res.json()).toMatchObject({ id: 'growth', name: 'Grow', version: 1 });

    const missing = await send('GET', '/api/v1/objectives/nope');
    expect(missing.status).toBe(404);
    expect(await errorOf(missing)).toMatchObject({ code: 'not_found', message: 'no objective with id "nope"' });
  });

  it('updates with If-Match: the right version moves it on, a stale one is a 409 and changes nothing', async () => {
    const ok = await send('PUT', '/api/v1/objectives/growth', { id: 'growth', name: 'Grow faster' }, { 'if-match': '"1"' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    expect(await ok.json()).toMatchObject({ name: 'Grow faster', version: 2 });

    const stale = await send('PUT', '/api/v1/objectives/growth', { id: 'growth', name: 'Lost edit' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    expect(await errorOf(stale)).toMatchObject({ code: 'version_conflict', message: expect.stringContaining('version 2, not 1') });
    expect(await (await send('GET', '/api/v1/objectives/growth')).json()).toMatchObject({ name: 'Grow faster', version: 2 });

    const badMatch = await send('PUT', '/api/v1/objectives/growth', { id: 'growth', name: 'X' }, { 'if-match': 'latest' });
    expect(badMatch.status).toBe(400);
    expect(await errorOf(badMatch)).toMatchObject({ code: 'bad_if_match' });

    const otherId = await send('PUT', '/api/v1/objectives/growth', { id: 'other', name: 'X' });
    expect(otherId.status).toBe(400);
    expect(await errorOf(otherId)).toHaveProperty('details', [{ field: 'id', message: 'must match the URL ("growth")' }]);
  });

  it('lists objectives with their versions', async () => {
    const res = await send('GET', '/api/v1/objectives');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([expect.objectContaining({ id: 'growth', version: 2 })]);
  });

  it('refuses to delete what is still referenced, then deletes with If-Match and keeps the history', async () => {
    expect((await send('POST', '/api/v1/objectives', { id: 'child', name: 'Child', parent: 'growth' })).status).toBe(201);
    const inUse = await send('DELETE', '/api/v1/objectives/growth');
    expect(inUse.status).toBe(409);
    expect(await errorOf(inUse)).toMatchObject({ code: 'in_use', message: expect.stringContaining('objective child') });

    expect((await send('DELETE', '/api/v1/objectives/child', undefined, { 'if-match': '"1"' })).status).toBe(204);
    const stale = await send('DELETE', '/api/v1/objectives/growth', undefined, { 'if-match': '"1"' });
    expect(stale.status).toBe(409);
    const gone = await send('DELETE', '/api/v1/objectives/growth', undefined, { 'if-match': '"2"' });
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe('');

    expect((await send('GET', '/api/v1/objectives/growth')).status).toBe(404);
    expect((await send('DELETE', '/api/v1/objectives/growth')).status).toBe(404);
    const history = await send('GET', '/api/v1/objectives/growth/history');
    expect(history.status).toBe(200);
    expect(await history.json()).toEqual([
      expect.objectContaining({ version: 1, op: 'upsert', author: 'ana', reason: 'unit test' }),
      expect.objectContaining({ version: 2, op: 'upsert', definition: expect.objectContaining({ name: 'Grow faster' }) }),
      expect.objectContaining({ version: 3, op: 'delete', definition: null }),
    ]);
  });
});
