import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, storedEvents, type TestServer } from './support/harness.ts';

/**
 * `__proto__` as a key (issue 14, defect 4): JSON and YAML keep it, validation used to drop
 * it silently (a KPI filter `{"__proto__":"x"}` came back as `{}` and counted every event
 * of its metric). Now it is refused with a reason, in events, the model API and YAML.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

async function send(method: string, path: string, body: string, contentType = 'application/json') {
  const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': contentType }, body });
  return {
    status: res.status,
    body: (await res.json()) as { error?: { message: string }; rejected?: Array<{ line: number; reason: string }>; accepted?: number },
  };
}

describe('__proto__ keys', () => {
  it('refuses a KPI whose filter has a __proto__ key instead of creating one that counts everything', async () => {
    const r = await send(
      'POST',
      '/api/v1/kpis',
      '{"id":"proto-kpi","name":"Proto","objective":"sales","metric":"test.orders","aggregation":"count","window":"1h","target":1,"filter":{"__proto__":"x"}}',
    );
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toBe('filter: "__proto__" is not allowed as a key');
    expect((await fetch(`${server.url}/api/v1/kpis/proto-kpi`)).status).toBe(404);
  });

  it('refuses a YAML or JSON model import holding __proto__ anywhere, naming where', async () => {
    const yaml = `objectives:\n  - { id: o1, name: O, owner: X, period: 2026-Q4 }\nkpis:\n  - { id: k1, name: K, objective: o1, metric: m, aggregation: count, window: 1h, target: 1, filter: { __proto__: x } }\n`;
    const r = await send('PUT', '/api/v1/model?mode=merge', yaml, 'application/yaml');
    expect(r.status).toBe(400);
    expect(r.body.error?.message).toBe('kpis[0].filter: "__proto__" is not allowed as a key');
    const j = await send('PUT', '/api/v1/model?mode=merge', '{"__proto__":{"kpis":[]}}');
    expect(j.status).toBe(400);
    expect(j.body.error?.message).toMatch(/^\(top level\): "__proto__" is not allowed/);
  });

  it('rejects an event whose dims hold __proto__, with the reason, and keeps the others', async () => {
    const r = await send(
      'POST',
      '/api/v1/events',
      '{"metric":"proto.ev","value":1,"dims":{"__proto__":"p","a":"b"}}\n{"metric":"proto.ev","value":2,"dims":{"a":"b"}}',
      'application/x-ndjson',
    );
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(1);
    expect(r.body.rejected).toEqual([{ line: 1, reason: 'dims: "__proto__" is not allowed as a dimension name' }]);
    expect(await storedEvents(server, 'proto.ev')).toBe(1);
  });
});
