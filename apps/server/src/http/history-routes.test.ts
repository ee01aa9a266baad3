import { describe, expect, it } from 'vitest';
import { historyRoutes } from './history-routes.ts';
import { SALES_MODEL, expectError, memoryModel, noStore } from './routes.fixture.ts';

async function routes() {
  return historyRoutes({ model: await memoryModel(SALES_MODEL), clickhouse: noStore() });
}

describe('history routes', () => {
  it('names a bad dimension and a top out of range together', async () => {
    const error = await expectError(await (await routes()).request('/api/v1/kpis/orders/breakdown?dim=a%20b&top=99'), 400, 'bad_query');
    expect(error.details).toEqual([
      { field: 'dim', message: 'must be a dimension name: 1-64 letters, digits, "_", "." or "-"' },
      { field: 'top', message: 'must be a whole number from 1 to 50' },
    ]);
    expect(error.message).toMatch(/^dim: .*; top: /);
  });

  it('names an export format it cannot write', async () => {
    const error = await expectError(await (await routes()).request('/api/v1/kpis/orders/export?format=xlsx'), 400, 'bad_query');
    expect(error.details).toEqual([{ field: 'format', message: 'must be csv or json' }]);
  });

  it('names a range that ends before it starts', async () => {
    const error = await expectError(
      await (await routes()).request('/api/v1/kpis/orders/dimensions?from=2026-02-01&to=2026-01-01'),
      400,
      'bad_query',
    );
    expect(error.details).toEqual([{ field: 'from', message: 'must be before to' }]);
  });

  it('answers 404 for an unknown KPI', async () => {
    const app = await routes();
    for (const view of ['breakdown?dim=shop', 'dimensions', 'export']) {
      await expectError(await app.request(`/api/v1/kpis/nope/${view}`), 404, 'not_found');
    }
  });
});
