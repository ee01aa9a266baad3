/**
 * Small in-memory parts for the route modules' `app.request()` tests. The model is the real
 * ModelService (validation, versions, references) over versions kept in an array instead
 * of ClickHouse; the other parts are the few calls a module makes, answering the way the
 * store does. Integration tests (tests/) run the same routes over the real store.
 */
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { kpiHealth, type KpiHealth, type KpiState, type ObjectiveState } from '@northstar/shared';
import { ORDERS_STATE } from '@northstar/shared/kpi-state.fixture';
import { expect } from 'vitest';
import { ModelService, type ModelVersions } from '../model/model-service.ts';
import type { VersionRow } from '../store/model-repo.ts';

/** model_versions in memory: the newest row per entity, and each entity's rows by version. */
export function memoryVersions(): ModelVersions & { rows: VersionRow[] } {
  const rows: VersionRow[] = [];
  return {
    rows,
    maxSeq: () => Promise.resolve(rows.reduce((max, r) => Math.max(max, r.seq), 0)),
    latest: () => {
      const newest = new Map<string, VersionRow>();
      for (const r of rows) {
        const key = `${r.kind}:${r.id}`;
        if ((newest.get(key)?.version ?? 0) < r.version) newest.set(key, r);
      }
      return Promise.resolve([...newest.values()]);
    },
    history: (kind, id) => Promise.resolve(rows.filter((r) => r.kind === kind && r.id === id).sort((a, b) => a.version - b.version)),
    append: (added) => {
      rows.push(...added);
      return Promise.resolve();
    },
  };
}

/** A model holding `doc` (objectives, KPIs …), written once by "fixture". */
export async function memoryModel(doc: Record<string, unknown> = {}): Promise<ModelService> {
  const model = await ModelService.load(memoryVersions());
  await model.importDocument({ objectives: [], kpis: [], ...doc }, { author: 'fixture', reason: '' }, 'merge');
  return model;
}

export const SALES_MODEL = {
  objectives: [{ id: 'sales', name: 'Sell more', owner: 'Ana', period: '2026-Q4' }],
  kpis: [{ id: 'orders', name: 'Orders', objective: 'sales', metric: 'shop.orders', aggregation: 'count', window: '1h', target: 100 }],
};

/**
 * A client for a store that is not there: routes under test answer before they query it
 * (bad input, unknown ids), and a query that did reach it would fail the test loudly.
 */
export function noStore(): ClickHouseClient {
  return createClient({ url: 'http://127.0.0.1:9', request_timeout: 1000 });
}

/** The error body every route answers with, checked for its shape; returns it for more checks. */
export async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string; details?: Array<{ field: string; message: string }> } };
  expect(body.error).toMatchObject({ code, message: expect.any(String) as string });
  return body.error;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** The wall loop's answers for the KPIs it evaluated: `orders` at 3 of 10, off track, no alerts. */
export function evaluatedLoop(ids: readonly string[] = ['orders']) {
  const state = (id: string): KpiState | undefined => (ids.includes(id) ? { ...ORDERS_STATE, id } : undefined);
  return {
    kpiState: state,
    kpiHealth: (id: string): KpiHealth | undefined => {
      const s = state(id);
      return s && kpiHealth(s.status, id, []);
    },
    objectiveState: (): ObjectiveState | undefined => undefined,
  };
}
