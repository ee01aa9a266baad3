import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

/**
 * A real OpenID Provider (panva's certified oidc-provider) on a loopback port, for sign-in
 * tests. Its login page is a plain form of this file (the provider's own dev pages load web
 * fonts from the internet); it checks the password, then hands the result back to the
 * provider, which issues the code and the tokens as it would in production.
 */

export interface TestAccount {
  password: string;
  claims: { preferred_username: string; email: string; name: string; groups: string[] };
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * Starts answering as the provider, with the one redirect URI the client may use: the
   * server's port is known only once it runs, and it needs the issuer's URL to start.
   */
  register(redirectUri: string): void;
  /** Claims of an account can be changed between sign-ins (a group membership changed). */
  accounts: Map<string, TestAccount>;
  /** Every request path the provider answered, in order: proves the flow went through it. */
  seen: string[];
  /** The next sign-in's ID token carries another nonce than the one asked for, as a replayed token would. */
  forgeNextNonce(): void;
  stop(): Promise<void>;
}

export const OIDC_CLIENT_ID = 'northstar-wall';
export const OIDC_CLIENT_SECRET = 'oidc-client-secret-0123456789abcdef';

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, error?: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>
<h1>Test identity provider</h1>
${error ? `<p id="idp-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Email or user <input name="login" autocomplete="username"></label>
<label>Secret <input name="password" type="password"></label>
<button type="submit">Continue to Northstar</button>
</form></body></html>`;
}

/** Starts the provider; the caller registers the redirect URI before the first sign-in. */
export async function startTestProvider(accounts: Record<string, TestAccount>): Promise<TestProvider> {
  const http: Server = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const accountMap = new Map(Object.entries(accounts));
  const seen: string[] = [];
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const config = (redirectUri: string): Configuration => ({
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    // a confidential client must use PKCE too: proves the server sends it
    pkce: { required: () => true },
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [randomUUID()] },
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'], groups: ['groups'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accountMap.get(sub);
      return account ? { accountId: sub, claims: () => ({ sub, ...account.claims }) } : undefined;
    },
    // a first-party app: no consent screen, every requested scope granted
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId });
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'));
      await grant.save();
      return grant;
    },
  });
  let provider: Provider | undefined;
  let forgeNonce = false;
  let handle: ((req: IncomingMessage, res: ServerResponse) => unknown) | undefined;

  async function interaction(provider: Provider, req: IncomingMessage, res: ServerResponse, uid: string, submit: boolean): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (!submit) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(loginPage(uid));
      return;
    }
    const form = await readForm(req);
    const login = form.get('login') ?? '';
    const account = accountMap.get(login);
    if (!account || account.password !== form.get('password')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(uid, 'Unknown user or wrong secret'));
      return;
    }
    if (details.prompt.name !== 'login') throw new Error(`unexpected prompt ${details.prompt.name}`);
    if (forgeNonce) {
      // the provider puts the authorization request's nonce in the ID token: change what it remembers
      forgeNonce = false;
      details.params.nonce = 'forged-nonce-0123456789abcdef';
      await details.save(details.exp - Math.floor(Date.now() / 1000));
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }

  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', issuer);
    seen.push(url.pathname);
    if (!provider || !handle) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('provider not registered yet');
      return;
    }
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(url.pathname);
    if (m?.[1]) {
      interaction(provider, req, res, m[1], m[2] !== undefined && req.method === 'POST').catch((err: Error) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`interaction failed: ${err.message}`);
      });
      return;
    }
    void handle(req, res);
  });

  return {
    issuer,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    register: (redirectUri) => {
      provider = new Provider(issuer, config(redirectUri));
      handle = provider.callback();
    },
    accounts: accountMap,
    seen,
    forgeNextNonce: () => {
      forgeNonce = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

/** The settings that point a Northstar server at this provider, with groups mapped to roles. */
export function oidcEnv(p: Pick<TestProvider, 'issuer' | 'clientId' | 'clientSecret'>): Record<string, string> {
  return {
    NORTHSTAR_OIDC_ISSUER: p.issuer,
    NORTHSTAR_OIDC_CLIENT_ID: p.clientId,
    NORTHSTAR_OIDC_CLIENT_SECRET: p.clientSecret,
    NORTHSTAR_OIDC_NAME: 'Test IdP',
    NORTHSTAR_OIDC_SCOPES: 'openid profile email groups',
    NORTHSTAR_OIDC_ROLE_CLAIM: 'groups',
    NORTHSTAR_OIDC_ROLE_MAP: 'wall-admins=admin,wall-editors=editor,staff=viewer',
  };
}
