import { defaultKpiBudget, type AlignmentResponse } from '@northstar/shared';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { alignmentRoutes } from './alignment-routes.ts';
import { SALES_MODEL, evaluatedLoop, expectError, memoryModel } from './routes.fixture.ts';

async function routes() {
  const model = await memoryModel(SALES_MODEL);
  const app = alignmentRoutes({
    model,
    loop: evaluatedLoop(),
    repo: { lastCheckins: () => Promise.resolve(new Map()) },
    kpiBudget: defaultKpiBudget(),
  });
  return { app, model };
}

describe('alignment routes', () => {
  it('answers the tree: objectives with their KPIs, live state and lint', async () => {
    const res = await (await routes()).app.request('/api/v1/alignment');
    expect(res.status).toBe(200);
    const tree = (await res.json()) as AlignmentResponse;
    expect(tree.objectives.map((o) => o.id)).toEqual(['sales']);
    expect(tree.objectives[0]?.kpis).toEqual([
      expect.objectContaining({ id: 'orders', weight: 1, state: expect.objectContaining({ value: 3 }) as unknown }),
    ]);
    expect(tree.unlinkedKpis).toEqual([]);
  });

  it('exports the model as YAML, or JSON when asked', async () => {
    const { app } = await routes();
    const yaml = await app.request('/api/v1/model');
    expect(yaml.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    expect(parseYaml(await yaml.text())).toMatchObject({ kpis: [expect.objectContaining({ id: 'orders' })] });
    const json = await app.request('/api/v1/model', { headers: { accept: 'application/json' } });
    expect(await json.json()).toMatchObject({ objectives: [expect.objectContaining({ id: 'sales' })] });
  });

  it('imports a model and names a bad mode, bad YAML and a dangling reference without changing anything', async () => {
    const { app, model } = await routes();
    const put = (body: string, query = '') =>
      app.request(`/api/v1/model${query}`, { method: 'PUT', headers: { 'content-type': 'application/yaml' }, body });
    expect((await expectError(await put('{}', '?mode=upsert'), 400, 'bad_query')).message).toBe('mode: must be replace or merge');
    expect((await expectError(await put('kpis: [', ''), 400, 'bad_body')).message).toMatch(/^body is not valid YAML or JSON/);
    const dangling = await put('objectives: []\nkpis:\n  - { id: a, name: A, objective: gone, metric: m, aggregation: sum, window: 1h }\n');
    expect((await expectError(dangling, 400, 'invalid')).details).toEqual([
      { field: 'kpis[0].objective', message: 'no objective with id "gone"' },
    ]);
    expect(model.kpis.map((k) => k.id)).toEqual(['orders']);
    const merged = await put('kpis:\n  - { id: b, name: B, objective: sales, metric: m, aggregation: sum, window: 1h }\n', '?mode=merge');
    expect(merged.status).toBe(200);
    expect(model.kpis.map((k) => k.id).sort()).toEqual(['b', 'orders']);
  });
});
