import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeResponse, SsoInfo, UserInfo } from '@northstar/shared';
import { OidcSignIn, signInFailure } from '../apps/server/src/auth/oidc-sign-in.ts';
import { readOidcSettings } from '../apps/server/src/config/oidc-settings.ts';
import { AUTH_ON_ENV, apiFetch, loginSession, startTestServer, type TestServer } from './support/harness.ts';
import { OidcBrowser as Browser } from './support/oidc-browser.ts';
import { oidcEnv, startTestProvider, type TestAccount, type TestProvider } from './support/oidc-provider.ts';

/**
 * Single sign-on against a real OpenID provider (oidc-provider) on loopback, at HTTP level:
 * the test plays the browser, carrying each site's cookies and following redirects by hand,
 * so every hop of the authorization code + PKCE round-trip is seen and can be tampered with.
 */

let provider: TestProvider;
let server: TestServer;

const account = (name: string, groups: string[]): TestAccount => ({
  password: `${name}-secret-pass`,
  claims: { preferred_username: name, email: `${name}@example.com`, name, groups },
});

/** Follows redirects like a browser until one leads off `stopAt`'s origin or a page answers. */
async function follow(browser: Browser, res: Response, from: string): Promise<{ res: Response; url: string }> {
  let url = from;
  while (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location') ?? '', url).href;
    if (url.startsWith(server.url)) return { res, url };
    res = await browser.fetch(url);
  }
  return { res, url };
}

/** Everything up to the provider sending the browser back: start, the provider's login form, the redirect to our callback. */
async function throughProvider(browser: Browser, name: string, password: string, next = '/'): Promise<string> {
  const startUrl = `${server.url}/api/v1/auth/oidc/start?next=${encodeURIComponent(next)}`;
  const start = await browser.fetch(startUrl);
  expect(start.status).toBe(302);
  const authorize = new URL(start.headers.get('location') ?? '');
  expect(authorize.origin).toBe(provider.issuer);
  const form = await follow(browser, start, startUrl);
  expect(form.res.status).toBe(200);
  expect(await form.res.text()).toContain('Continue to Northstar');
  const posted = await browser.fetch(`${form.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login: name, password }).toString(),
  });
  const back = await follow(browser, posted, `${form.url}/login`);
  expect(back.url.startsWith(`${server.url}/api/v1/auth/oidc/callback?`)).toBe(true);
  return back.url;
}

/** The callback's answer: where it sends the browser, and the session cookie it set (if any). */
async function callback(browser: Browser, url: string): Promise<{ location: string; session: string | undefined }> {
  const res = await browser.fetch(url);
  expect(res.status).toBe(302);
  return { location: res.headers.get('location') ?? '', session: browser.cookie(new URL(server.url).host, 'northstar_session') };
}

async function me(session: string): Promise<MeResponse> {
  const res = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: `northstar_session=${session}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as MeResponse;
}

function ssoError(location: string): string {
  expect(location.startsWith('/#/login?sso_error=')).toBe(true);
  return new URLSearchParams(location.split('?')[1]).get('sso_error') ?? '';
}

beforeAll(async () => {
  provider = await startTestProvider({
    alice: account('alice', ['staff', 'wall-editors']),
    bob: account('bob', ['contractors']),
    admin: account('admin', ['wall-admins']),
  });
  server = await startTestServer({ env: { ...AUTH_ON_ENV, ...oidcEnv(provider) } });
  provider.register(`${server.url}/api/v1/auth/oidc/callback`);
});
afterAll(async () => {
  await server?.stop();
  await provider?.stop();
});

describe('single sign-on with OpenID Connect', () => {
  it('tells the login page it is offered, and by whom', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/oidc`);
    expect((await res.json()) as SsoInfo).toEqual({ enabled: true, name: 'Test IdP' });
  });

  it('sends the browser to the provider with PKCE (S256), state and nonce', async () => {
    const res = await new Browser().fetch(`${server.url}/api/v1/auth/oidc/start`);
    const url = new URL(res.headers.get('location') ?? '');
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(provider.clientId);
    expect(q.get('redirect_uri')).toBe(`${server.url}/api/v1/auth/oidc/callback`);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')?.length).toBeGreaterThanOrEqual(22);
    expect(q.get('nonce')?.length).toBeGreaterThanOrEqual(22);
    expect(q.get('scope')?.split(' ')).toEqual(expect.arrayContaining(['openid', 'groups']));
    // the flow cookie is HttpOnly and Lax (it must come back on the provider's cross-site redirect)
    expect(res.headers.getSetCookie().join('\n')).toMatch(/northstar_oidc=[^;]+;.*HttpOnly.*SameSite=Lax/i);
  });

  it('signs a person in round-trip, creates their user with the mapped role, and returns them where they were', async () => {
    const browser = new Browser();
    const back = await throughProvider(browser, 'alice', provider.accounts.get('alice')!.password, '/kpi/revenue');
    const done = await callback(browser, back);
    expect(done.location).toBe('/#/kpi/revenue');
    expect(done.session).toBeDefined();
    const who = await me(done.session!);
    expect(who).toMatchObject({ auth: true, user: { name: 'alice', role: 'editor' } });
    expect(provider.seen).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/token', '/me']));
    const users = (await (await apiFetch(server, '/api/v1/auth/users')).json()) as UserInfo[];
    expect(users.find((u) => u.name === 'alice')?.role).toBe('editor');
  });

  it('updates the role on the next sign-in when the provider says so', async () => {
    provider.accounts.get('alice')!.claims.groups = ['wall-admins'];
    const browser = new Browser();
    const done = await callback(browser, await throughProvider(browser, 'alice', provider.accounts.get('alice')!.password));
    expect(await me(done.session!)).toMatchObject({ user: { name: 'alice', role: 'admin' } });
    provider.accounts.get('alice')!.claims.groups = ['staff'];
    const again = new Browser();
    const lowered = await callback(again, await throughProvider(again, 'alice', provider.accounts.get('alice')!.password));
    expect(await me(lowered.session!)).toMatchObject({ user: { name: 'alice', role: 'viewer' } });
    // the admin session from before ends with the lowered role
    const old = await fetch(`${server.url}/api/v1/auth/me`, { headers: { cookie: `northstar_session=${done.session}` } });
    expect(old.status).toBe(401);
  });

  it('refuses someone with no mapped role, saying so, and starts no session', async () => {
    const browser = new Browser();
    const done = await callback(browser, await throughProvider(browser, 'bob', provider.accounts.get('bob')!.password));
    expect(done.session).toBeUndefined();
    expect(ssoError(done.location)).toMatch(/bob.*no Northstar role.*"groups"/);
  });

  it('refuses a callback whose state was changed', async () => {
    const browser = new Browser();
    const back = new URL(await throughProvider(browser, 'alice', provider.accounts.get('alice')!.password));
    back.searchParams.set('state', 'forged-state-value-0123456789');
    const done = await callback(browser, back.href);
    expect(done.session).toBeUndefined();
    expect(ssoError(done.location)).toMatch(/state/i);
  });

  it('refuses an ID token whose nonce is not the one this sign-in asked for', async () => {
    provider.forgeNextNonce();
    const browser = new Browser();
    const done = await callback(browser, await throughProvider(browser, 'alice', provider.accounts.get('alice')!.password));
    expect(done.session).toBeUndefined();
    expect(ssoError(done.location)).toMatch(/unexpected ID Token "nonce"/);
  });

  it('shows the refusal of the provider (the person cancelled) in words', async () => {
    const browser = new Browser();
    const start = await browser.fetch(`${server.url}/api/v1/auth/oidc/start`);
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const q = new URLSearchParams({
      error: 'access_denied',
      error_description: 'End-User aborted interaction',
      state,
      iss: provider.issuer,
    });
    const done = await callback(browser, `${server.url}/api/v1/auth/oidc/callback?${q}`);
    expect(done.session).toBeUndefined();
    expect(ssoError(done.location)).toBe('the identity provider refused the sign-in: End-User aborted interaction');
  });

  it('refuses a callback in a browser that did not start the sign-in, and a replayed one', async () => {
    const browser = new Browser();
    const back = await throughProvider(browser, 'alice', provider.accounts.get('alice')!.password);
    const flowCookie = browser.cookie(new URL(server.url).host, 'northstar_oidc');
    expect(flowCookie).toBeDefined();
    const other = await callback(new Browser(), back);
    expect(other.session).toBeUndefined();
    expect(ssoError(other.location)).toMatch(/not started in this browser/);
    const done = await callback(browser, back);
    expect(done.session).toBeDefined();
    // the same callback again, even with the flow cookie put back: each flow is used once
    const replayer = new Browser();
    replayer.jar.set(new URL(server.url).host, new Map([['northstar_oidc', flowCookie!]]));
    const replay = await callback(replayer, back);
    expect(replay.session).toBeUndefined();
    expect(ssoError(replay.location)).toMatch(/not started in this browser/);
  });

  it('keeps local accounts: the break-glass admin signs in with a password, and SSO cannot take the name over', async () => {
    const local = await loginSession(server);
    expect(local.cookie).toMatch(/^northstar_session=/);
    const browser = new Browser();
    const done = await callback(browser, await throughProvider(browser, 'admin', provider.accounts.get('admin')!.password));
    expect(done.session).toBeUndefined();
    expect(ssoError(done.location)).toMatch(/local account named "admin" exists/);
  });

  it('an SSO user has no password here', async () => {
    const res = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ username: 'alice', password: provider.accounts.get('alice')!.password }),
    });
    expect(res.status).toBe(401);
  });

  it('says plainly when the provider cannot be reached', async () => {
    // nothing listens on port 9 (discard) on this machine
    const flow = new OidcSignIn(readOidcSettings(oidcEnv({ ...provider, issuer: 'http://127.0.0.1:9' }))!);
    const err = await flow.start('http://127.0.0.1/cb', '/').catch((e: unknown) => e);
    expect(signInFailure(err)).toMatch(/identity provider at http:\/\/127\.0\.0\.1:9\/ could not be reached/);
  });
});
