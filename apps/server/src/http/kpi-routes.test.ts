import type { KpiListResponse, SeriesPoint } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { kpiRoutes } from './kpi-routes.ts';
import { SALES_MODEL, evaluatedLoop, expectError, memoryModel, noStore } from './routes.fixture.ts';

async function routes() {
  const model = await memoryModel(SALES_MODEL);
  const spark: SeriesPoint[] = [[1, 2]];
  return kpiRoutes({ model, loop: evaluatedLoop(), evaluator: { spark: () => spark }, clickhouse: noStore() });
}

describe('KPI routes', () => {
  it('lists objectives and each evaluated KPI with its version, state and health', async () => {
    const res = await (await routes()).request('/api/v1/kpis');
    expect(res.status).toBe(200);
    const body = (await res.json()) as KpiListResponse;
    expect(body.objectives.map((o) => o.id)).toEqual(['sales']);
    expect(body.kpis).toEqual([
      expect.objectContaining({
        id: 'orders',
        version: 1,
        state: expect.objectContaining({ value: 3 }) as unknown,
        health: expect.anything() as unknown,
      }),
    ]);
  });

  it('answers one KPI with its sparkline and its version as the ETag', async () => {
    const res = await (await routes()).request('/api/v1/kpis/orders');
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await res.json()).toMatchObject({
      id: 'orders',
      version: 1,
      spark: [[1, 2]],
      health: { status: 'off_track', measured: 'off_track', firing: [] },
    });
  });

  it('answers 404 for an unknown KPI on every KPI route', async () => {
    const app = await routes();
    for (const path of ['/api/v1/kpis/nope', '/api/v1/kpis/nope/series', '/api/v1/kpis/nope/target-suggestion?period=2027']) {
      expect((await expectError(await app.request(path), 404, 'not_found')).message).toBe('no KPI with id "nope"');
    }
  });

  it('names every bad series parameter before touching the store', async () => {
    const res = await (await routes()).request('/api/v1/kpis/orders/series?from=yesterday-ish&step=0s&compare=tomorrow');
    const error = await expectError(res, 400, 'bad_query');
    expect(error.details?.map((d) => d.field)).toEqual(['from', 'step', 'compare']);
  });

  it('names the period of a target suggestion that is not a period', async () => {
    const error = await expectError(await (await routes()).request('/api/v1/kpis/orders/target-suggestion?period=Q1'), 400, 'bad_query');
    expect(error.details).toEqual([{ field: 'period', message: 'must be a period like "2027", "2027-Q1" or "2027-01"' }]);
  });
});
