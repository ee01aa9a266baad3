import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loginSession, startTestServer, waitFor, type TestServer } from './support/harness.ts';

// Sessions of 3.6 s, so one can run out within the test; chdb allows one store per process,
// hence a file of its own.
const SESSION_HOURS = 0.001;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ env: { NORTHSTAR_AUTH: 'on', NORTHSTAR_SESSION_HOURS: String(SESSION_HOURS) } });
});
afterAll(async () => {
  await server?.stop();
});

const signIn = async () => (await loginSession(server)).cookie;

/** 101 when the upgrade went through, else the HTTP status of the refusal. */
function handshakeStatus(cookie: string): Promise<{ status: number; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { origin: server.url, cookie } });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('an expired session', () => {
  it('is refused at the WebSocket handshake and by the API, and a fresh sign-in works again', async () => {
    const cookie = await signIn();
    const fresh = await handshakeStatus(cookie);
    expect(fresh.status).toBe(101);
    fresh.ws!.close();
    expect((await fetch(`${server.url}/api/v1/kpis`, { headers: { cookie } })).status).toBe(200);

    // no clock to fake in a real server: wait until the session has run out
    await waitFor(
      async () => ((await fetch(`${server.url}/api/v1/kpis`, { headers: { cookie } })).status === 401 ? true : undefined),
      'the session to expire',
      20_000,
    );
    expect((await handshakeStatus(cookie)).status).toBe(401);

    const again = await signIn();
    expect((await handshakeStatus(again)).status).toBe(101);
  });
});
