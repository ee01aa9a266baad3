import type { ClickHouseClient } from '@clickhouse/client';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Logger } from 'pino';
import type { SsoInfo } from '@northstar/shared';
import { AuthError, type AuthService } from '../auth/auth-service.ts';
import { OidcSignIn, signInFailure } from '../auth/oidc-sign-in.ts';
import type { OidcSettings } from '../config/oidc-settings.ts';
import { OidcFlowRepo } from '../store/oidc-flow-repo.ts';
import { doc } from './route-doc.ts';
import { SESSION_COOKIE } from './write-guard.ts';

export interface OidcRouteDeps {
  auth: AuthService | null;
  /** NORTHSTAR_OIDC_*; undefined: no single sign-on. */
  oidc?: OidcSettings | undefined;
  sessionHours: number;
  log: Logger;
  /** Where pending sign-ins wait, so any instance sharing the store finishes them. */
  clickhouse: ClickHouseClient;
}

/** Binds a pending sign-in to the browser that started it; only sent back to the callback. */
const FLOW_COOKIE = 'northstar_oidc';
const FLOW_COOKIE_PATH = '/api/v1/auth/oidc';
const CALLBACK_PATH = '/api/v1/auth/oidc/callback';

function overHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

/** A page of this app to return to (`/kpi/revenue`), never another site; else the wall. */
function safeNext(raw: string | undefined): string {
  return raw && /^\/(?!\/)[^\s\\]{0,500}$/.test(raw) && !raw.startsWith('/login') ? raw : '/';
}

/** The login page, saying plainly what went wrong. */
function toLogin(c: Context, message: string): Response {
  return c.redirect(`/#/login?sso_error=${encodeURIComponent(message.slice(0, 500))}`, 302);
}

/**
 * Single sign-on with OpenID Connect: the login page asks GET /api/v1/auth/oidc whether to
 * offer it; /start sends the browser to the provider; /callback is where the provider sends
 * it back, and signs it in with the same session cookie as a password sign-in. Failures
 * land on the login page with the reason.
 */
export function oidcRoutes(deps: OidcRouteDeps) {
  const { auth } = deps;
  const flow = auth && deps.oidc ? new OidcSignIn(deps.oidc, new OidcFlowRepo(deps.clickhouse)) : null;
  const log = deps.log.child({ component: 'oidc' });

  return new Hono()
    .get(
      '/api/v1/auth/oidc',
      doc({
        tag: 'auth',
        summary: 'Whether single sign-on is offered, and the provider name for the button',
        responses: { 200: '{enabled, name?}' },
      }),
      (c) => {
        const info: SsoInfo = flow ? { enabled: true, name: flow.displayName } : { enabled: false };
        return c.json(info);
      },
    )
    .get(
      '/api/v1/auth/oidc/start',
      doc({
        tag: 'auth',
        summary: 'Start a single sign-on: redirects to the identity provider (authorization code + PKCE)',
        query: [{ name: 'next', description: 'the page of this app to return to after signing in' }],
        responses: { 302: 'To the provider, or to the login page with the reason' },
      }),
      async (c) => {
        if (!flow) return toLogin(c, 'single sign-on is not set up on this server (NORTHSTAR_OIDC_ISSUER)');
        const own = new URL(CALLBACK_PATH, c.req.url);
        if (overHttps(c)) own.protocol = 'https:';
        const redirectUri = deps.oidc?.redirectUri ?? own.href;
        try {
          const started = await flow.start(redirectUri, safeNext(c.req.query('next')));
          // Lax, not Strict: the provider's redirect back is a cross-site navigation that must carry it
          setCookie(c, FLOW_COOKIE, started.flowId, {
            path: FLOW_COOKIE_PATH,
            httpOnly: true,
            sameSite: 'Lax',
            secure: overHttps(c),
            maxAge: 600,
          });
          c.header('Cache-Control', 'no-store');
          return c.redirect(started.url.href, 302);
        } catch (err) {
          const message = signInFailure(err);
          log.warn({ reason: message }, 'single sign-on could not start');
          return toLogin(c, message);
        }
      },
    )
    .get(
      '/api/v1/auth/oidc/callback',
      doc({
        tag: 'auth',
        summary: 'Where the identity provider sends the browser back; signs it in with a session cookie',
        query: ['code', 'state'],
        responses: { 302: 'To the page asked for, or to the login page with the reason' },
      }),
      async (c) => {
        if (!flow || !auth) return toLogin(c, 'single sign-on is not set up on this server (NORTHSTAR_OIDC_ISSUER)');
        const flowId = getCookie(c, FLOW_COOKIE);
        deleteCookie(c, FLOW_COOKIE, { path: FLOW_COOKIE_PATH, secure: overHttps(c) });
        c.header('Cache-Control', 'no-store');
        try {
          const done = await flow.finish(flowId, new URL(c.req.url).searchParams);
          const started = await auth.signInWithProvider(done.identity);
          setCookie(c, SESSION_COOKIE, started.sessionId, {
            path: '/',
            httpOnly: true,
            sameSite: 'Strict',
            secure: overHttps(c),
            maxAge: deps.sessionHours * 3600,
          });
          log.info({ user: done.identity.name, role: started.role }, 'signed in with single sign-on');
          return c.redirect(`/#${done.next}`, 302);
        } catch (err) {
          const message = err instanceof AuthError ? err.message : signInFailure(err);
          log.warn({ reason: message }, 'single sign-on refused');
          return toLogin(c, message);
        }
      },
    );
}
