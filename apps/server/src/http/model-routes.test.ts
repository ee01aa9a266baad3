import { describe, expect, it } from 'vitest';
import { modelRoutes } from './model-routes.ts';
import { JSON_HEADERS, SALES_MODEL, expectError, memoryModel } from './routes.fixture.ts';

async function routes() {
  const model = await memoryModel(SALES_MODEL);
  return { model, app: modelRoutes(model) };
}

const goal = { id: 'ana-orders', name: 'Ana closes 5', owner: 'Ana', kpi: 'orders', target: 5 };

describe('model routes', () => {
  it('creates a definition with its version in the body and the ETag, and lists it', async () => {
    const { app } = await routes();
    const created = await app.request('/api/v1/goals', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(goal) });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(await created.json()).toMatchObject({ ...goal, version: 1 });
    const list = await app.request('/api/v1/goals');
    expect(await list.json()).toEqual([expect.objectContaining({ id: 'ana-orders', version: 1 })]);
    const one = await app.request('/api/v1/goals/ana-orders');
    expect(one.headers.get('etag')).toBe('"1"');
  });

  it('names each bad field of an invalid definition and stores nothing', async () => {
    const { app, model } = await routes();
    const res = await app.request('/api/v1/goals', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...goal, target: 'five' }),
    });
    const error = await expectError(res, 400, 'invalid');
    expect(error.details?.map((d) => d.field)).toEqual(['target']);
    expect(model.goals).toEqual([]);
  });

  it('says where a body is not JSON', async () => {
    const { app } = await routes();
    const error = await expectError(await app.request('/api/v1/goals', { method: 'POST', body: '{"id": "a",' }), 400, 'bad_json');
    expect(error.message).toMatch(/^body is not valid JSON/);
  });

  it('guards a replace with If-Match and refuses a stale or malformed version', async () => {
    const { app } = await routes();
    const put = (ifMatch: string, target: number) =>
      app.request('/api/v1/kpis/orders', {
        method: 'PUT',
        headers: { ...JSON_HEADERS, 'if-match': ifMatch },
        body: JSON.stringify({ ...SALES_MODEL.kpis[0], target }),
      });
    const ok = await put('"1"', 120);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id: 'orders', target: 120, version: 2 });
    await expectError(await put('"1"', 130), 409, 'version_conflict');
    await expectError(await put('latest', 130), 400, 'bad_if_match');
  });

  it('refuses an id in the body that differs from the URL, naming the field', async () => {
    const { app } = await routes();
    const res = await app.request('/api/v1/kpis/orders', {
      method: 'PUT',
      headers: JSON_HEADERS,
      body: JSON.stringify({ ...SALES_MODEL.kpis[0], id: 'other' }),
    });
    expect((await expectError(res, 400, 'invalid')).details).toEqual([{ field: 'id', message: 'must match the URL ("orders")' }]);
  });

  it('keeps history after a delete and refuses to delete what is referenced', async () => {
    const { app } = await routes();
    await expectError(await app.request('/api/v1/objectives/sales', { method: 'DELETE' }), 409, 'in_use');
    expect((await app.request('/api/v1/kpis/orders', { method: 'DELETE' })).status).toBe(204);
    const history = await app.request('/api/v1/kpis/orders/history');
    expect(await history.json()).toEqual([
      expect.objectContaining({ version: 1, op: 'upsert', author: 'fixture', definition: expect.objectContaining({ id: 'orders' }) }),
      expect.objectContaining({ version: 2, op: 'delete', definition: null }),
    ]);
  });

  it('answers 404 with the error shape for what does not exist', async () => {
    const { app } = await routes();
    expect((await expectError(await app.request('/api/v1/boards/nope'), 404, 'not_found')).message).toBe('no board with id "nope"');
    await expectError(await app.request('/api/v1/goals/nope/history'), 404, 'not_found');
    await expectError(await app.request('/api/v1/rules/nope', { method: 'DELETE' }), 404, 'not_found');
  });
});
