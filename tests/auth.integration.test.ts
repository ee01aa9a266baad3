import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedToken, MeResponse, Scope, ServerMessage } from '@northstar/shared';
import { apiClient, parseResponse } from './support/api-client.ts';
import { startTestServer, TEST_CONFIG, waitFor, type TestServer } from './support/harness.ts';

// chdb allows one store per process, so the server with auth on has a file of its own.
const ENV_TOKEN = 'env-token-0123456789abcdef';
let server: TestServer;
let admin: Session;

// a second objective with a KPI on no board: a kiosk must not even see its health
const CONFIG = `${TEST_CONFIG.replace(
  'objectives:\n',
  'objectives:\n  - { id: uptime-obj, name: Stay up, owner: Ops, period: 2026-Q4 }\n',
).replace(
  'kpis:\n',
  'kpis:\n  - { id: uptime, name: Uptime, objective: uptime-obj, metric: test.uptime, aggregation: avg, window: 1h, target: 99 }\n',
)}
boards:
  - { id: ops-room, name: Ops room, kpis: [orders, revenue] }
  - { id: finance, name: Finance, kpis: [basket] }
`;

beforeAll(async () => {
  server = await startTestServer({
    env: {
      NORTHSTAR_AUTH: 'on',
      NORTHSTAR_API_TOKEN: ENV_TOKEN,
      NORTHSTAR_LOGIN_RATE: '3',
      NORTHSTAR_INGEST_RATE: '1',
      NORTHSTAR_TRUSTED_PROXIES: '127.0.0.1',
    },
    config: CONFIG,
  });
  expect(server.bootstrap?.username).toBe('admin');
  admin = await login('admin', server.bootstrap!.password);
});
afterAll(async () => {
  await server?.stop();
});

interface Session {
  cookie: string;
  csrf: string;
}

async function send(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; raw?: string } = {}) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  const json = text && res.headers.get('content-type')?.startsWith('application/json');
  return { status: res.status, headers: res.headers, body: json ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** The headers a browser tab of this session sends on a write. */
const as = (s: Session, extra: Record<string, string> = {}) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf, ...extra });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function login(username: string, password: string): Promise<Session> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.url },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const setCookie = res.headers.get('set-cookie') ?? '';
  expect(setCookie).toMatch(/^northstar_session=[\w-]+;/);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  expect(setCookie).not.toMatch(/Secure/); // plain http on loopback
  const me = (await res.json()) as Extract<MeResponse, { user: unknown }>;
  return { cookie: setCookie.split(';')[0]!, csrf: me.csrfToken };
}

async function createUser(name: string, role: string): Promise<Session> {
  const password = `${name}-password-123`;
  expect((await send('POST', '/api/v1/auth/users', { body: { name, role, password }, headers: as(admin) })).status).toBe(201);
  return login(name, password);
}

async function createToken(scopes: Scope[], name = scopes.join('+')): Promise<CreatedToken> {
  const r = await apiClient(server, as(admin)).api.v1.auth.tokens.$post({ json: { name, scopes } });
  expect(r.status).toBe(201);
  return parseResponse(r);
}

/** The close code a socket gets (it stays open until the server closes it). */
function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

/** Opens /ws and answers the HTTP status of a refused handshake, or 101 and the first snapshot. */
function handshake(
  query: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; snapshot?: ServerMessage; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws${query}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      if (msg.type === 'snapshot') resolve({ status: 101, snapshot: msg, ws });
    });
    ws.on('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

describe('sign-in', () => {
  it('lets the bootstrap admin sign in, and not a wrong password or an unknown user', async () => {
    const me = await send('GET', '/api/v1/auth/me', { headers: { cookie: admin.cookie } });
    expect(me.body).toEqual({ auth: true, user: { name: 'admin', role: 'admin' }, csrfToken: admin.csrf });
    const bad = await send('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'not-the-password' } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    expect((await send('POST', '/api/v1/auth/login', { body: { username: 'nobody', password: 'whatever-it-is' } })).status).toBe(401);
    expect((await send('GET', '/api/v1/kpis')).status).toBe(401);
    expect((await send('GET', '/api/v1/auth/me')).status).toBe(401);
  });

  it('marks the cookie Secure behind a proxy that says the page is https', async () => {
    const res = await send('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: server.bootstrap!.password },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  it('answers 429 with Retry-After after repeated attempts for one user from one address', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    // from behind the (trusted) proxy on loopback, so the other tests' sign-ins are not slowed
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < 6; i++) {
      const r = await send('POST', '/api/v1/auth/login', {
        body: { username: 'mallory', password: `guess-number-${i}` },
        headers: from('203.0.113.7'),
      });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // another user from another address is not slowed by mallory's guesses
    const other = await send('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: 'still-wrong-1' },
      headers: from('203.0.113.8'),
    });
    expect(other.status).toBe(401);
    // but the guessing address is, whatever name it tries next (a limit per address across users)
    const sprayed = await send('POST', '/api/v1/auth/login', {
      body: { username: 'admin', password: 'still-wrong-2' },
      headers: from('203.0.113.7'),
    });
    expect(sprayed.status).toBe(429);
  });

  it('logs out: the cookie stops working', async () => {
    const s = await login('admin', server.bootstrap!.password);
    expect((await send('POST', '/api/v1/auth/logout', { headers: as(s) })).status).toBe(204);
    expect((await send('GET', '/api/v1/kpis', { headers: { cookie: s.cookie } })).status).toBe(401);
  });
});

describe('roles per route class', () => {
  it('viewers read, editors change the model (recorded as them), admins manage users', async () => {
    const viewer = await createUser('vera', 'viewer');
    const editor = await createUser('ed', 'editor');
    expect((await send('GET', '/api/v1/kpis', { headers: { cookie: viewer.cookie } })).status).toBe(200);
    const objective = { id: 'ops', name: 'Run ops' };
    expect((await send('POST', '/api/v1/objectives', { body: objective, headers: as(viewer) })).status).toBe(403);
    expect(
      (await send('POST', '/api/v1/objectives', { body: objective, headers: as(editor, { 'x-northstar-user': 'someone-else' }) })).status,
    ).toBe(201);
    const history = await parseResponse(
      apiClient(server, { cookie: viewer.cookie }).api.v1.objectives[':id'].history.$get({ param: { id: 'ops' } }),
    );
    expect(history[0]?.author).toBe('ed');
    expect((await send('GET', '/api/v1/auth/users', { headers: { cookie: editor.cookie } })).status).toBe(403);
    expect((await send('POST', '/api/v1/auth/tokens', { body: { name: 'x', scopes: ['read'] }, headers: as(editor) })).status).toBe(403);
    const users = await parseResponse(apiClient(server, { cookie: admin.cookie }).api.v1.auth.users.$get());
    expect(users.map((u) => `${u.name}:${u.role}`)).toEqual(expect.arrayContaining(['admin:admin', 'vera:viewer', 'ed:editor']));
    expect(JSON.stringify(users)).not.toMatch(/scrypt|passwordHash/);
    // a lowered role takes effect at once: the editor's session ends
    expect((await send('PUT', '/api/v1/auth/users/ed', { body: { role: 'viewer' }, headers: as(admin) })).status).toBe(200);
    expect((await send('GET', '/api/v1/kpis', { headers: { cookie: editor.cookie } })).status).toBe(401);
    // the last admin cannot be removed or demoted
    expect((await send('DELETE', '/api/v1/auth/users/admin', { headers: as(admin) })).status).toBe(409);
  });

  it('refuses a cookie write without the CSRF token or from another origin', async () => {
    const editor = await createUser('eddie', 'editor');
    const body = { id: 'csrf-test', name: 'CSRF' };
    const noToken = await send('POST', '/api/v1/objectives', { body, headers: { cookie: editor.cookie } });
    expect(noToken.status).toBe(403);
    expect(noToken.body).toMatchObject({ error: { code: 'csrf' } });
    const wrongToken = await send('POST', '/api/v1/objectives', { body, headers: { cookie: editor.cookie, 'x-csrf-token': admin.csrf } });
    expect(wrongToken.status).toBe(403);
    const ndjson = await send('POST', '/api/v1/events', { raw: '{"metric":"test.orders","value":1}', headers: { cookie: editor.cookie } });
    expect(ndjson.status).toBe(403);
    const evil = await send('POST', '/api/v1/objectives', { body, headers: as(editor, { origin: 'http://evil.example' }) });
    expect(evil.status).toBe(403);
    expect(evil.body).toMatchObject({ error: { code: 'bad_origin' } });
    expect((await send('POST', '/api/v1/objectives', { body, headers: as(editor, { origin: server.url }) })).status).toBe(201);
    expect(server.model.get('objective', 'csrf-test')).toBeDefined();
  });
});

describe('API tokens', () => {
  it('are shown once, limited to their scopes, and refused once revoked', async () => {
    const ingest = await createToken(['ingest']);
    const reader = await createToken(['read']);
    expect(ingest.token).toMatch(/^nst_[0-9a-f]{12}_[\w-]{43}$/);
    const listed = await send('GET', '/api/v1/auth/tokens', { headers: { cookie: admin.cookie } });
    expect(JSON.stringify(listed.body)).not.toContain(ingest.token.slice(17));
    expect(JSON.stringify(listed.body)).not.toContain('hash');

    const event = '{"metric":"test.orders","value":1}';
    expect((await send('POST', '/api/v1/events', { raw: event })).status).toBe(401);
    expect((await send('POST', '/api/v1/events', { raw: event, headers: bearer(ingest.token) })).status).toBe(202);
    expect((await send('POST', '/api/v1/events', { raw: event, headers: bearer(reader.token) })).status).toBe(403);
    expect((await send('GET', '/api/v1/kpis', { headers: bearer(ingest.token) })).status).toBe(403);
    expect((await send('GET', '/api/v1/kpis', { headers: bearer(reader.token) })).status).toBe(200);
    expect((await send('GET', '/metrics', { headers: bearer(reader.token) })).status).toBe(200);
    expect((await send('GET', '/metrics')).status).toBe(401);
    expect((await send('POST', '/api/v1/objectives', { body: { id: 'r', name: 'R' }, headers: bearer(reader.token) })).status).toBe(403);
    // the pre-provisioned NORTHSTAR_API_TOKEN has the admin scope
    expect((await send('POST', '/api/v1/objectives', { body: { id: 'by-env', name: 'E' }, headers: bearer(ENV_TOKEN) })).status).toBe(201);
    expect((await send('GET', '/api/v1/auth/users', { headers: bearer(ENV_TOKEN) })).status).toBe(200);

    expect((await send('DELETE', `/api/v1/auth/tokens/${reader.id}`, { headers: as(admin) })).status).toBe(204);
    expect((await send('GET', '/api/v1/kpis', { headers: bearer(reader.token) })).status).toBe(401);
  });

  it('limits ingest per token with 429 and Retry-After, without touching other tokens', async () => {
    const busy = await createToken(['ingest'], 'busy');
    const calm = await createToken(['ingest'], 'calm');
    const event = '{"metric":"test.orders","value":1}';
    let limited: { status: number; retryAfter: string | null } | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      const r = await send('POST', '/api/v1/events', { raw: event, headers: bearer(busy.token) });
      if (r.status === 429) limited = { status: r.status, retryAfter: r.headers.get('retry-after') };
      else expect(r.status).toBe(202);
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await send('POST', '/api/v1/events', { raw: event, headers: bearer(calm.token) })).status).toBe(202);
  });
});

describe('WebSocket handshake', () => {
  it('refuses a bad Origin, no credentials, and revoked or logged-out credentials', async () => {
    const reader = await createToken(['read'], 'ws-reader');
    expect((await handshake(`?token=${reader.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await handshake('')).status).toBe(401);
    expect((await handshake('?token=nst_000000000000_' + 'x'.repeat(43))).status).toBe(401);
    const ingestOnly = await createToken(['ingest'], 'ws-ingest');
    expect((await handshake('', bearer(ingestOnly.token))).status).toBe(403);

    const ok = await handshake(`?token=${reader.token}`, { origin: server.url });
    expect(ok.status).toBe(101);
    ok.ws?.close();
    await send('DELETE', `/api/v1/auth/tokens/${reader.id}`, { headers: as(admin) });
    expect((await handshake(`?token=${reader.token}`)).status).toBe(401);

    const s = await login('admin', server.bootstrap!.password);
    const viaCookie = await handshake('', { cookie: s.cookie, origin: server.url });
    expect(viaCookie.status).toBe(101);
    // signing out also ends the live connection the session opened
    const closed = closeCode(viaCookie.ws!);
    await send('POST', '/api/v1/auth/logout', { headers: as(s) });
    expect(await closed).toBe(4001);
    expect((await handshake('', { cookie: s.cookie })).status).toBe(401);
  });

  it('gives a kiosk link its board only, over HTTP and the WebSocket, until it is revoked', async () => {
    const viewer = await createUser('tv-viewer', 'viewer');
    const refused = await send('POST', '/api/v1/auth/kiosk-tokens', { body: { board: 'ops-room' }, headers: as(viewer) });
    expect(refused.status).toBe(403);
    const editor = await createUser('tv-editor', 'editor');
    const created = await apiClient(server, as(editor)).api.v1.auth['kiosk-tokens'].$post({ json: { board: 'ops-room' } });
    expect(created.status).toBe(201);
    const kiosk = await parseResponse(created);
    expect(kiosk).toMatchObject({ kind: 'kiosk', board: 'ops-room', name: 'TV: Ops room', createdBy: 'tv-editor' });
    expect(kiosk.token).toMatch(/^nsk_/);

    expect((await send('GET', '/api/v1/boards/ops-room', { headers: bearer(kiosk.token) })).status).toBe(200);
    expect((await send('GET', '/api/v1/boards/finance', { headers: bearer(kiosk.token) })).status).toBe(403);
    expect((await send('GET', '/api/v1/kpis', { headers: bearer(kiosk.token) })).status).toBe(403);
    expect((await send('POST', '/api/v1/events', { raw: '{"metric":"test.orders","value":1}', headers: bearer(kiosk.token) })).status).toBe(
      403,
    );

    const tv = await handshake(`?kiosk=${kiosk.token}`, { origin: server.url });
    expect(tv.status).toBe(101);
    const snapshot = tv.snapshot as Extract<ServerMessage, { type: 'snapshot' }>;
    expect(snapshot.kpis.map((k) => k.definition.id).sort()).toEqual(['orders', 'revenue']);
    expect(snapshot.objectives.map((o) => o.definition.id)).toEqual(['sales']);
    // asking for more does not widen it: updates of other KPIs never reach the TV
    const seen = new Set<string>();
    const seenObjectives = new Set<string>();
    tv.ws!.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      if (msg.type === 'delta') for (const k of msg.kpis) seen.add(k.id);
      if (msg.type === 'delta') for (const o of msg.objectives) seenObjectives.add(o.id);
      if (msg.type === 'snapshot') for (const k of msg.kpis) seen.add(k.definition.id);
    });
    tv.ws!.send(JSON.stringify({ type: 'subscribe', kpis: ['basket', 'latency-p95'] }));
    const ingest = await createToken(['ingest'], 'tv-feed');
    // the other objective's KPI moves first, so its health is in a frame before the board's update
    // one token per post: ingest is limited to one request a second per token here
    const feeds = [await createToken(['ingest'], 'uptime-feed-1'), await createToken(['ingest'], 'uptime-feed-2')];
    await send('POST', '/api/v1/events', { raw: '{"metric":"test.uptime","value":97}', headers: bearer(feeds[0]!.token) });
    const watcher = await handshake('', { origin: server.url, cookie: admin.cookie });
    const everyObjective = new Set<string>();
    watcher.ws!.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage;
      if (msg.type === 'delta') for (const o of msg.objectives) everyObjective.add(o.id);
    });
    await send('POST', '/api/v1/events', { raw: '{"metric":"test.uptime","value":12}', headers: bearer(feeds[1]!.token) });
    await waitFor(() => (everyObjective.has('uptime-obj') ? true : undefined), 'the other objective moving for a signed-in wall');
    await send('POST', '/api/v1/events', { raw: '{"metric":"test.revenue","value":30}', headers: bearer(ingest.token) });
    await waitFor(() => (seen.has('revenue') ? true : undefined), 'the revenue update on the TV');
    // the board's own KPIs may move meanwhile (a sparkline slot completing); nothing else may arrive
    expect(seen).toContain('revenue');
    expect([...seen].filter((id) => id !== 'orders' && id !== 'revenue')).toEqual([]);
    expect([...seenObjectives]).not.toContain('uptime-obj');
    watcher.ws!.close();

    const listed = await parseResponse(
      apiClient(server, { cookie: editor.cookie }).api.v1.auth['kiosk-tokens'].$get({ query: { board: 'ops-room' } }),
    );
    expect(listed.map((t) => t.id)).toEqual([kiosk.id]);
    // revoking the link closes the TV's open connection too, and refuses the next one
    const closed = closeCode(tv.ws!);
    expect((await send('DELETE', `/api/v1/auth/kiosk-tokens/${kiosk.id}`, { headers: as(editor) })).status).toBe(204);
    expect(await closed).toBe(4001);
    expect((await handshake(`?kiosk=${kiosk.token}`)).status).toBe(401);
    expect((await send('GET', '/api/v1/boards/ops-room', { headers: bearer(kiosk.token) })).status).toBe(401);
  });
});
