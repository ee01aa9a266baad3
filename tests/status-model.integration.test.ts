import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlignmentResponse, KpiWithState } from '@northstar/shared';
import { postEvents, startTestServer, waitFor, type TestServer } from './support/harness.ts';

/** Issue 13: alerts follow their KPI live, and the API says one status per KPI and why an objective is marked. */
const CONFIG = `
objectives:
  - { id: web, name: Be seen, owner: CMO }
kpis:
  - { id: views, name: Views, objective: web, metric: m.views, aggregation: count, window: 1h, target: 2 }
  - { id: visits, name: Visits, objective: web, metric: m.visits, aggregation: count, window: 1h, target: 1 }
rules:
  - id: views-watch
    name: Views above 2
    kpis: [views]
    severity: warning
    for: 1h
    condition: { type: threshold, op: '>', value: 2 }
  - id: visits-fire
    name: Visits above 0
    kpis: [visits]
    severity: critical
    condition: { type: threshold, op: '>', value: 0 }
`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: CONFIG, env: { NORTHSTAR_AUTH: 'off' } });
});
afterAll(() => server?.stop());

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

const alertOf = async (key: string) => (await get<Alert[]>('/api/v1/alerts')).find((a) => a.key === key);

describe('the status model on the server', () => {
  it("keeps a pending alert's value and reason following the KPI, not frozen at its last state change", async () => {
    await postEvents(server, [
      { metric: 'm.views', value: 1 },
      { metric: 'm.views', value: 1 },
      { metric: 'm.views', value: 1 },
    ]);
    const pending = await waitFor(async () => {
      const a = await alertOf('views-watch/views/');
      return a?.state === 'pending' && a.value === 3 ? a : undefined;
    }, 'the alert pending at 3 views');
    expect(pending.reason).toContain('value 3 > 2');
    await postEvents(server, [
      { metric: 'm.views', value: 1 },
      { metric: 'm.views', value: 1 },
    ]);
    const live = await waitFor(async () => {
      const a = await alertOf('views-watch/views/');
      return a?.value === 5 ? a : undefined;
    }, 'the pending alert at 5 views');
    expect(live.state).toBe('pending');
    expect(live.since).toBe(pending.since);
    expect(live.reason).toContain('value 5 > 2');
    // the KPI's health says an alert is pending on it, beside its unchanged status
    const kpi = await waitFor(async () => {
      const k = await get<KpiWithState>('/api/v1/kpis/views');
      return k.health.pending.length > 0 ? k : undefined;
    }, 'views health with the pending alert');
    expect(kpi.health).toMatchObject({ status: 'on_track', pending: ['Views above 2'], reason: null });
  });

  it('shows a KPI with a firing alert at risk in the API, and its objective with the reason', async () => {
    await postEvents(server, [
      { metric: 'm.visits', value: 1 },
      { metric: 'm.views', value: 1 },
    ]);
    await waitFor(async () => ((await alertOf('visits-fire/visits/'))?.state === 'alerting' ? true : undefined), 'visits alert firing');
    const kpi = await waitFor(async () => {
      const k = await get<KpiWithState>('/api/v1/kpis/visits');
      return k.health.status === 'at_risk' ? k : undefined;
    }, 'visits shown at risk');
    // measured on track (1 of a target of 1), shown at risk because the alert fires
    expect(kpi.state.status).toBe('on_track');
    expect(kpi.health).toMatchObject({ measured: 'on_track', firing: ['Visits above 0'], reason: 'alert firing: Visits above 0' });
    const objective = await waitFor(async () => {
      const tree = await get<AlignmentResponse>('/api/v1/alignment');
      const o = tree.objectives.find((x) => x.id === 'web');
      return o?.state?.status === 'at_risk' ? o : undefined;
    }, 'the objective at risk');
    expect(objective.state?.reason).toBe('weighted 100 %: Visits at risk');
    expect(objective.state?.troubled).toEqual(['visits']);
    expect(objective.kpis.find((k) => k.id === 'visits')?.health?.status).toBe('at_risk');
  });
});
