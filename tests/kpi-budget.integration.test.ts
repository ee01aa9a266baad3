import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlignmentObjective, AlignmentResponse } from '@northstar/shared';
import { parseKpiConfig } from '../apps/server/src/config/kpi-file.ts';
import { apiFetch, startTestServer, type TestServer } from './support/harness.ts';
import { KPI_BUDGET_CONFIG } from './support/kpi-budget-config.ts';

/** The KPI budget per level from the config file, applied by the lint and shown on every objective of the tree. */

const CONFIG = KPI_BUDGET_CONFIG;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: CONFIG });
});
afterAll(async () => {
  await server?.stop();
});

function find(nodes: AlignmentObjective[], id: string): AlignmentObjective | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const below = find(n.children, id);
    if (below) return below;
  }
  return undefined;
}

describe('KPI budget per level', () => {
  it('gives every objective the budget of its level, 7 where the file sets none', async () => {
    const tree = (await (await apiFetch(server, '/api/v1/alignment')).json()) as AlignmentResponse;
    expect(tree.kpiBudget).toEqual({ organisation: 7, department: 7, team: 2, individual: 7 });
    expect(find(tree.objectives, 'org')).toMatchObject({ kpiBudget: 7 });
    const squad = find(tree.objectives, 'squad')!;
    expect(squad.kpiBudget).toBe(2);
    expect(squad.kpis).toHaveLength(3);
  });

  it('the lint holds the team objective to the team budget', async () => {
    const { findings } = (await (await apiFetch(server, '/api/v1/lint')).json()) as AlignmentResponse;
    const tooMany = findings.filter((f) => f.rule === 'too-many-kpis');
    expect(tooMany.map((f) => [f.subject.id, f.message])).toEqual([
      ['squad', '"Checkout squad" has 3 KPIs linked directly; the team budget is 2.'],
    ]);
  });

  it('refuses a budget that is not a whole number from 1 to 100, naming the line', () => {
    expect(() => parseKpiConfig('alignment:\n  kpiBudget:\n    team: 0\n', 'bad.yaml')).toThrow(
      /bad\.yaml:3: alignment\.kpiBudget\.team: must be at least 1/,
    );
    expect(() => parseKpiConfig('alignment:\n  kpiBudget: { squad: 3 }\n', 'bad.yaml')).toThrow(/bad\.yaml:2: alignment\.kpiBudget.*squad/);
  });
});
