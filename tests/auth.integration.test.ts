import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/harness.ts';

// chdb allows one store per process, so the token-protected server has a file of its own.
const TOKEN = 'test-token-0123456789abcdef';
let secured: TestServer;

beforeAll(async () => {
  secured = await startTestServer({ env: { NORTHSTAR_API_TOKEN: TOKEN } });
});
afterAll(async () => {
  await secured?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${secured.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status };
}

describe('writes need the token when one is set', () => {
  it('refuses a write without it and accepts one with it; reads stay open', async () => {
    const body = { id: 'ops', name: 'Ops' };
    expect((await call('POST', '/api/v1/objectives', body)).status).toBe(401);
    expect((await call('POST', '/api/v1/objectives', body, { authorization: 'Bearer wrong-token-0000000000' })).status).toBe(401);
    expect((await call('POST', '/api/v1/objectives', body, { authorization: `Bearer ${TOKEN}` })).status).toBe(201);
    expect((await call('GET', '/api/v1/objectives')).status).toBe(200);
    const ingest = await fetch(`${secured.url}/api/v1/events`, {
      method: 'POST',
      body: '{"metric":"m.orders","value":1}',
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(ingest.status).toBe(401);
  });
});
