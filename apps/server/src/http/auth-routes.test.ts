import { Hono } from 'hono';
import type { MeResponse, TokenInfo, UserInfo } from '@northstar/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientAddress } from '../auth/client-address.ts';
import { LoginThrottle } from '../auth/login-throttle.ts';
import type { Principal } from '../auth/types.ts';
import { authRoutes, type AuthApi } from './auth-routes.ts';
import { JSON_HEADERS, expectError, memoryModel } from './routes.fixture.ts';

const unused = () => Promise.reject(new Error('not called in this test'));

/** One user, ana / right-password, and tokens in a list: the calls sign-in and token routes make. */
function memoryAuth(): AuthApi & { ended: string[] } {
  const users: UserInfo[] = [{ name: 'ana', role: 'admin', createdAt: 1 }];
  const tokens: TokenInfo[] = [];
  const ended: string[] = [];
  return {
    ended,
    login: (name, password) =>
      Promise.resolve(
        name === 'ana' && password === 'right-password'
          ? { sessionId: 'sid-1', role: 'admin' as const, session: { user: 'ana', csrf: 'csrf-1', createdAt: 1, expiresAt: 2 } }
          : null,
      ),
    logout: (hash) => {
      ended.push(hash);
      return Promise.resolve();
    },
    changePassword: unused,
    users: () => users,
    createUser: unused,
    updateUser: unused,
    removeUser: unused,
    tokens: (kind) => tokens.filter((t) => t.kind === kind),
    tokenInfo: (id) => tokens.find((t) => t.id === id),
    createToken: (input, by) => {
      const info: TokenInfo = {
        id: `t${tokens.length + 1}`,
        kind: input.kind,
        name: input.name,
        scopes: input.kind === 'api' ? input.scopes : ['read'],
        ...(input.kind === 'kiosk' ? { board: input.board } : {}),
        createdBy: by,
        createdAt: 1,
      };
      tokens.push(info);
      return Promise.resolve({ token: `secret-${info.id}`, info });
    },
    revokeToken: unused,
  };
}

/** The routes behind a stand-in for the auth guard, which sets who is asking. */
async function routes(auth: AuthApi | null, who?: Principal, loginsPerMinute = 1) {
  const model = await memoryModel({ boards: [{ id: 'wall', name: 'Wall', kpis: [] }] });
  const deps = {
    auth,
    model,
    loginLimiter: new LoginThrottle({ freePerMinute: loginsPerMinute }),
    clientAddress: new ClientAddress([]),
    sessionHours: 12,
  };
  return new Hono()
    .use((c, next) => {
      c.set('principal', who);
      return next();
    })
    .route('/', authRoutes(deps));
}

const post = (app: Hono, path: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });

describe('auth routes with auth off', () => {
  it('says so on /me and answers auth_off where sign-in would be needed', async () => {
    const app = await routes(null, { kind: 'open' });
    expect(await (await app.request('/api/v1/auth/me')).json()).toEqual({ auth: false } satisfies MeResponse);
    await expectError(await post(app, '/api/v1/auth/login', { username: 'ana', password: 'x' }), 404, 'auth_off');
    await expectError(await app.request('/api/v1/auth/users'), 404, 'auth_off');
    await expectError(await app.request('/api/v1/auth/kiosk-tokens'), 404, 'auth_off');
    expect((await app.request('/api/v1/auth/logout', { method: 'POST' })).status).toBe(204);
  });
});

describe('auth routes with auth on', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('signs in: an HttpOnly SameSite=Strict session cookie and the CSRF token in the body', async () => {
    const app = await routes(memoryAuth());
    const res = await post(app, '/api/v1/auth/login', { username: 'ana', password: 'right-password' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ auth: true, user: { name: 'ana', role: 'admin' }, csrfToken: 'csrf-1' } satisfies MeResponse);
    expect(res.headers.get('set-cookie')).toMatch(/^northstar_session=sid-1; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
  });

  it('names a missing field of a sign-in, refuses a wrong password, then throttles', async () => {
    // the throttle forgives failures with time: on a still clock, how many get through is exact
    // (two allowed per minute), not a matter of how many milliseconds the requests took
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1) });
    const app = await routes(memoryAuth(), undefined, 2);
    const bad = await expectError(await post(app, '/api/v1/auth/login', { username: 'ana' }), 400, 'invalid');
    expect(bad.details?.map((d) => d.field)).toEqual(['password']);
    const wrong = () => post(app, '/api/v1/auth/login', { username: 'ana', password: 'wrong-password' });
    await expectError(await wrong(), 401, 'bad_credentials');
    await expectError(await wrong(), 401, 'bad_credentials');
    const throttled = await wrong();
    await expectError(throttled, 429, 'rate_limited');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // once the wait it names is over, the next guess is heard again
    vi.advanceTimersByTime(Number(throttled.headers.get('retry-after')) * 1000);
    await expectError(await wrong(), 401, 'bad_credentials');
  });

  it('answers /me for the signed-in user, and 401 for nobody', async () => {
    const user: Principal = { kind: 'user', name: 'ana', role: 'admin', csrf: 'csrf-1', sessionHash: 'h1' };
    expect(await (await (await routes(memoryAuth(), user)).request('/api/v1/auth/me')).json()).toEqual({
      auth: true,
      user: { name: 'ana', role: 'admin' },
      csrfToken: 'csrf-1',
    });
    await expectError(await (await routes(memoryAuth())).request('/api/v1/auth/me'), 401, 'unauthorised');
  });

  it('ends the session on sign-out', async () => {
    const auth = memoryAuth();
    const user: Principal = { kind: 'user', name: 'ana', role: 'admin', csrf: 'csrf-1', sessionHash: 'h1' };
    expect((await (await routes(auth, user)).request('/api/v1/auth/logout', { method: 'POST' })).status).toBe(204);
    expect(auth.ended).toEqual(['h1']);
  });

  it('creates a kiosk link to a board once, and names a board that does not exist', async () => {
    const app = await routes(memoryAuth());
    const created = await post(app, '/api/v1/auth/kiosk-tokens', { board: 'wall' });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(await created.json()).toMatchObject({ id: 't1', kind: 'kiosk', board: 'wall', name: 'TV: Wall', token: 'secret-t1' });
    expect(await (await app.request('/api/v1/auth/kiosk-tokens?board=wall')).json()).toHaveLength(1);
    const missing = await expectError(await post(app, '/api/v1/auth/kiosk-tokens', { board: 'lobby' }), 400, 'invalid');
    expect(missing.details).toEqual([{ field: 'board', message: 'no board with id "lobby"' }]);
    await expectError(await app.request('/api/v1/auth/tokens/t1', { method: 'DELETE' }), 404, 'not_found');
  });
});
