import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { clusterStatements } from '../apps/server/src/store/cluster-ddl.ts';
import { MIGRATIONS } from '../apps/server/src/store/migrations.ts';

/**
 * No ClickHouse cluster can run on these machines, so the cluster DDL is checked as far as
 * one engine can: its parser (formatQuery) accepts every statement, the ON CLUSTER clause,
 * the Replicated engines and the Distributed tables are in what it parsed.
 */
let dir: string;
let store: ClickHouse;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'northstar-cluster-ddl-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir: dir });
});
afterAll(async () => {
  await store?.client.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cluster DDL through the engine parser', () => {
  it('parses every migration statement in its cluster form', async () => {
    const statements = MIGRATIONS.flatMap((m) => clusterStatements(m.statements, 'northstar'));
    let distributed = 0;
    for (const q of statements) {
      const r = await store.client.query({ query: 'SELECT formatQuery({q:String}) AS f', query_params: { q }, format: 'JSONEachRow' });
      const f = (await r.json<{ f: string }>())[0]!.f;
      if (/^(CREATE|ALTER)/.test(f)) expect(f).toMatch(/ON CLUSTER northstar/);
      if (/ENGINE = Distributed/.test(f)) distributed += 1;
    }
    expect(distributed).toBe(MIGRATIONS.flatMap((m) => m.statements).filter((s) => /CREATE TABLE/.test(s)).length);
  });
});
