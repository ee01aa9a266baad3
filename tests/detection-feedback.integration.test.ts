import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, DetectionTuning } from '@northstar/shared';
import { startTestServer, waitFor, type TestServer } from './support/harness.ts';

const CONFIG = `
objectives:
  - { id: platform, name: Keep the platform up, owner: Ravi }
`;

let server: TestServer;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-northstar-user': 'lead' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function ingest(events: object[]): Promise<void> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events.map((e) => JSON.stringify(e)).join('\n'),
  });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  server = await startTestServer({ config: CONFIG });
  // an hour of a steady latency every 10 s, stored before the KPI exists: its detector warms up on it
  const now = Date.now();
  const start = Math.floor((now - 3_600_000) / 10_000) * 10_000;
  await ingest(
    Array.from({ length: 355 }, (_, i) => ({
      metric: 'fb.latency',
      value: 100 + ((i * 7) % 5) - 2,
      ts: start + i * 10_000 + 5_000,
      id: `h-${i}`,
    })),
  );
});
afterAll(async () => {
  await server?.stop();
});

describe('"not real" on an anomaly alert', () => {
  it('raises that KPI threshold a step with who did it, and "real" afterwards takes it back', async () => {
    const kpi = await call('POST', '/api/v1/kpis', {
      id: 'latency',
      name: 'Latency',
      objective: 'platform',
      metric: 'fb.latency',
      aggregation: 'avg',
      window: '10s',
      direction: 'lower_is_better',
      detection: { step: '10s' },
    });
    expect(kpi.status).toBe(201);
    const rule = await call('POST', '/api/v1/rules', {
      id: 'odd-latency',
      name: 'Odd latency',
      kpis: ['latency'],
      severity: 'warning',
      for: '0s',
      condition: { type: 'anomaly', n: 1, m: 1 },
    });
    expect(rule.status).toBe(201);

    // a spike now, sent again on every poll so the next detection steps see it
    let sent = 0;
    const alert = await waitFor(
      async () => {
        await ingest([{ metric: 'fb.latency', value: 900, id: `spike-${sent++}` }]);
        const alerts = (await call('GET', '/api/v1/alerts')).body as Alert[];
        return alerts.find((a) => a.rule === 'odd-latency' && a.state === 'alerting');
      },
      'the anomaly alert',
      90_000,
    );

    const verdict = await call('POST', '/api/v1/alerts/feedback', { key: alert.key, real: false, note: 'a cache warm-up' });
    expect(verdict.status).toBe(200);
    const raised = (await call('GET', '/api/v1/detect/tuning')).body as DetectionTuning[];
    expect(raised).toEqual([expect.objectContaining({ kpi: 'latency', steps: 1, reason: 'not_real', by: 'lead' })]);

    // the lead changes their mind: only the newest verdict on the episode counts
    expect((await call('POST', '/api/v1/alerts/feedback', { key: alert.key, real: true })).status).toBe(200);
    expect((await call('GET', '/api/v1/detect/tuning')).body).toEqual([]);
  });
});
