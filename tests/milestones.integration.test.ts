import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Milestone, ServerMessage } from '@northstar/shared';
import { startTestServer, waitFor, type TestServer } from './support/harness.ts';

const CONFIG = `
objectives:
  - { id: sales, name: Sell more, period: 2026-Q4 }
kpis:
  - { id: deals, name: Deals, objective: sales, metric: m.deals, aggregation: count, window: 1h, target: 3 }
`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ config: CONFIG });
});
afterAll(async () => {
  await server?.stop();
});

async function post(n: number): Promise<void> {
  const body = Array.from({ length: n }, () => JSON.stringify({ metric: 'm.deals', value: 1 })).join('\n');
  const res = await fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
  expect(res.status).toBe(202);
}

describe('milestones', () => {
  it('celebrates the first time a KPI and its objective reach target in a period, once, and stores it', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const seen: Milestone[] = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      if (msg.type === 'milestone') seen.push(msg.milestone);
    });
    await new Promise((resolve) => ws.once('open', resolve));

    await post(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen).toEqual([]); // 2 of 3 is not a milestone

    await post(1);
    await waitFor(() => (seen.length >= 2 ? true : undefined), 'KPI and objective milestones');
    expect(seen.map((m) => [m.kind, m.id]).sort()).toEqual([
      ['kpi', 'deals'],
      ['objective', 'sales'],
    ]);
    expect(seen.find((m) => m.kind === 'objective')?.period).toBe('2026-Q4');

    await post(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen).toHaveLength(2); // once per period, not on every event past the target

    const stored = (await (await fetch(`${server.url}/api/v1/milestones`)).json()) as Milestone[];
    expect(stored.map((m) => [m.kind, m.id]).sort()).toEqual([
      ['kpi', 'deals'],
      ['objective', 'sales'],
    ]);
    ws.close();
  });

  it('does not celebrate an objective and KPI created already past their target: only a crossing is news', async () => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`);
    const seen: Milestone[] = [];
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      if (msg.type === 'milestone') seen.push(msg.milestone);
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const write = async (path: string, body: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
    };
    // m.deals already holds 5 events: a KPI with target 1 is met the moment it exists
    await write('/api/v1/objectives', { id: 'fresh', name: 'Created seconds ago', period: '2026-Q4' });
    await write('/api/v1/kpis', {
      id: 'fresh-deals',
      name: 'Fresh deals',
      objective: 'fresh',
      metric: 'm.deals',
      aggregation: 'count',
      window: '1h',
      target: 1,
    });
    await waitFor(async () => {
      const res = await fetch(`${server.url}/api/v1/kpis/fresh-deals`);
      return res.ok && ((await res.json()) as { state: { value: number | null } }).state.value === 5 ? true : undefined;
    }, 'the new KPI to show the stored deals');
    await new Promise((r) => setTimeout(r, 3000));
    expect(seen.filter((m) => m.id.startsWith('fresh'))).toEqual([]);
    ws.close();
  });
});
