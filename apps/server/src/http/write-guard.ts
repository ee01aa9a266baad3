import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AuthService } from '../auth/auth-service.ts';
import type { HostPolicy } from '../auth/host-check.ts';
import { originAllowed } from '../auth/origin.ts';
import { authorOf, authorize, isSafeMethod, requiredAccess } from '../auth/policy.ts';
import type { TokenBuckets } from '../auth/rate-limit.ts';
import { bearerToken, sameSecret } from '../auth/secrets.ts';
import type { Principal } from '../auth/types.ts';
import { jsonError } from './errors.ts';

declare module 'hono' {
  interface ContextVariableMap {
    /** Who is asking; unset for a request without valid credentials. */
    principal: Principal | undefined;
  }
}

export const SESSION_COOKIE = 'northstar_session';
/** The CSRF token of the session, sent by the web app on every write it makes with the cookie. */
const CSRF_HEADER = 'x-csrf-token';

export interface GuardDeps {
  /** null: auth is off (NORTHSTAR_AUTH=off): every request is allowed, writes only from an allowed Origin. */
  auth: AuthService | null;
  allowedOrigins: ReadonlySet<string>;
  hosts: HostPolicy;
  ingestLimiter: TokenBuckets;
}

/** Finds who is asking: a bearer token wins over a session cookie. */
async function identify(c: Context, auth: AuthService): Promise<Principal | null> {
  const token = bearerToken(c.req.header('authorization'));
  if (token !== undefined) return auth.fromToken(token);
  const session = getCookie(c, SESSION_COOKIE);
  return session ? auth.fromSession(session) : null;
}

/**
 * Authentication and authorisation for every request, by route class (auth/policy.ts).
 * Writes made with a session cookie also need the session's CSRF token in X-CSRF-Token
 * and an allowed Origin: SameSite=Strict already keeps other sites' requests from carrying
 * the cookie, this covers sibling subdomains and older browsers. Bearer tokens are not sent
 * by browsers on their own, so they need neither.
 */
export function authGuard(deps: GuardDeps): MiddlewareHandler {
  return async (c, next) => {
    const { auth } = deps;
    const method = c.req.method;
    const path = c.req.path;
    // a DNS-rebinding page reaches this server under its own name: refuse that name, for reads too
    if (!deps.hosts.allows(c.req.header('host'))) {
      return jsonError(
        c,
        403,
        'bad_host',
        `Host "${(c.req.header('host') ?? '').slice(0, 100)}" is not served here; add the name to NORTHSTAR_ALLOWED_HOSTS`,
      );
    }
    // without auth a foreign page's simple POST (text/plain, no preflight) would write: Origin is checked in every mode
    const foreignWrite = () =>
      !isSafeMethod(method) &&
      path.startsWith('/api/') &&
      !originAllowed(c.req.header('origin'), c.req.header('host'), deps.allowedOrigins);
    if (!auth) {
      c.set('principal', { kind: 'open' });
      if (foreignWrite()) return jsonError(c, 403, 'bad_origin', 'this origin may not write here (NORTHSTAR_ALLOWED_ORIGINS)');
      return next();
    }
    // the web app's files are public, and looking up credentials for each would be waste
    if (!path.startsWith('/api/') && path !== '/metrics') return next();
    const who = await identify(c, auth);
    c.set('principal', who ?? undefined);
    const access = requiredAccess(method, path);
    const verdict = authorize(who, access, method, path);
    if (!verdict.ok) {
      if (verdict.status === 401) c.header('WWW-Authenticate', 'Bearer');
      return jsonError(c, verdict.status, verdict.status === 401 ? 'unauthorised' : 'forbidden', verdict.message);
    }
    if (!isSafeMethod(method) && path.startsWith('/api/')) {
      if (foreignWrite()) return jsonError(c, 403, 'bad_origin', 'this origin may not write here (NORTHSTAR_ALLOWED_ORIGINS)');
      if (who?.kind === 'user' && !sameSecret(c.req.header(CSRF_HEADER) ?? '', who.csrf)) {
        return jsonError(c, 403, 'csrf', 'a write with a session needs the X-CSRF-Token header from /api/v1/auth/me');
      }
    }
    // tokens of producers inside this process (the demo's) are not limited: they are the server's own
    if (access === 'ingest' && who?.kind === 'token' && !who.id.startsWith('process:')) {
      const take = deps.ingestLimiter.take(who.id, Date.now());
      if (!take.ok) {
        c.header('Retry-After', String(take.retryAfterSeconds));
        return jsonError(c, 429, 'rate_limited', `too many ingest requests for this token; retry in ${take.retryAfterSeconds} s`);
      }
    }
    return next();
  };
}

/** Who made a change and why: recorded in the model's history. With auth on, the signed-in user or the token's name. */
export function changeMeta(c: Context): { author: string; reason: string } {
  return {
    author: authorOf(c.get('principal'), c.req.header('x-northstar-user')),
    reason: (c.req.header('x-northstar-reason') ?? '').trim(),
  };
}

/** Whether this principal may change notification channels and routes (the admins' part of the model). */
export function mayChangeNotifications(who: Principal | undefined): boolean {
  if (who?.kind === 'open') return true;
  if (who?.kind === 'user') return who.role === 'admin';
  if (who?.kind === 'token') return who.scopes.includes('admin');
  return false;
}
