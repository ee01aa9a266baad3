import { request } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/harness.ts';

/**
 * Issue 14, defects 3 and 7 on real servers. With --no-auth, a foreign page's write (a
 * text/plain POST needs no preflight) is refused by Origin, and a DNS-rebinding page (its
 * own name in Host) can neither read nor open the WebSocket. Sign-in is throttled per user
 * across addresses and per address across users, with backoff, through a trusted proxy.
 */

function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('without auth: Origin on writes, Host on everything', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { NORTHSTAR_AUTH: 'off', NORTHSTAR_ALLOWED_HOSTS: 'wall.example.test' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('refuses a write from a foreign Origin and takes it from its own origin or from a non-browser client', async () => {
    const event = '{"metric":"guard.origin","value":1}';
    const post = (headers: Record<string, string>) =>
      raw(`${server.url}/api/v1/events`, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers }, body: event });
    const foreign = await post({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body).error.code).toBe('bad_origin');
    const kpi = await raw(`${server.url}/api/v1/kpis`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: 'null' },
      body: '{"id":"planted","name":"P","objective":"sales","metric":"m","aggregation":"count","window":"1h","target":1}',
    });
    expect(kpi.status).toBe(403);
    expect((await post({ origin: server.url })).status).toBe(202);
    expect((await post({})).status).toBe(202);
  });

  it('refuses a request whose Host is a foreign name (DNS rebinding), reads included', async () => {
    const port = new URL(server.url).port;
    const get = (host: string) => raw(`${server.url}/api/v1/kpis`, { headers: { host } });
    const rebound = await get(`attacker.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error.message).toMatch(
      /Host "attacker\.example:\d+" is not served here; add the name to NORTHSTAR_ALLOWED_HOSTS/,
    );
    for (const ok of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'wall.example.test', `WALL.example.test:${port}`]) {
      expect((await get(ok)).status, ok).toBe(200);
    }
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws`, { headers: { host: `attacker.example:${port}` } });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    ws.terminate();
    expect(status).toBe(403);
  });
});

describe('sign-in throttling behind a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { NORTHSTAR_AUTH: 'on', NORTHSTAR_LOGIN_RATE: '10', NORTHSTAR_TRUSTED_PROXIES: '127.0.0.1' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const login = (username: string, password: string, ip: string) =>
    fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ username, password }),
    });

  it('slows 200 guesses at one user from 20 addresses, and 60 users guessed once each from one address', async () => {
    const one: number[] = [];
    for (let i = 0; i < 200; i++) one.push((await login('victim', `guess-${i}`, `198.51.100.${i % 20}`)).status);
    // ten free, then a doubling wait: the few seconds the run takes buy one or two more tries at most
    const tried = one.filter((s) => s === 401).length;
    expect(tried).toBeGreaterThanOrEqual(10);
    expect(tried).toBeLessThanOrEqual(13);
    expect(one.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(one.filter((s) => s === 429)).toHaveLength(200 - tried);
    const spray: number[] = [];
    for (let i = 0; i < 60; i++) spray.push((await login(`user-${i}`, 'Winter2026!', '192.0.2.50')).status);
    const sprayed = spray.filter((s) => s === 401).length;
    expect(sprayed).toBeGreaterThanOrEqual(10);
    expect(sprayed).toBeLessThanOrEqual(13);
    expect(spray.filter((s) => s === 429)).toHaveLength(60 - sprayed);
  });

  it('backs off rather than locking out: the right password gets in once Retry-After has passed', async () => {
    const statuses: number[] = [];
    let retryAfter = 0;
    for (let i = 0; i < 14 && retryAfter === 0; i++) {
      const res = await login('admin', `wrong-${i}`, `203.0.113.${i}`);
      statuses.push(res.status);
      if (res.status === 429) retryAfter = Number(res.headers.get('retry-after'));
    }
    // the eleventh wrong password (one shared proxy address in the old limiter) is a wait of seconds, not a wall
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.at(-1)).toBe(429);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(8);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await login('admin', server.bootstrap!.password, '203.0.113.99')).status).toBe(200);
  });
});
