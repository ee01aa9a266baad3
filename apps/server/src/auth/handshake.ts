import type { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'hono/utils/cookie';
import type { ShareView } from '@northstar/shared';
import type { LiveAccess } from '../live/access.ts';
import type { AuthService } from './auth-service.ts';
import type { HostPolicy } from './host-check.ts';
import { originAllowed } from './origin.ts';
import { authorize } from './policy.ts';
import { bearerToken } from './secrets.ts';
import { credentialsOf, type Principal } from './types.ts';

export type HandshakeVerdict = { ok: true; access?: LiveAccess; credentials: string[] } | { ok: false; status: 401 | 403; reason: string };

export interface HandshakeDeps {
  /** null: auth off; only the Origin is checked. */
  auth: AuthService | null;
  allowedOrigins: ReadonlySet<string>;
  /** Host names served (DNS rebinding): the HTTP guard's policy. */
  hosts: HostPolicy;
  sessionCookie: string;
  /** What a board's kiosk may see: the KPIs it shows and the objectives above them; null when there is no such board. */
  boardAccess: (boardId: string) => LiveAccess | null;
  /** What a share link may see: its view's KPIs and objectives; null when what it shows no longer exists. */
  shareAccess: (view: ShareView) => LiveAccess | null;
}

/**
 * Decides a WebSocket upgrade before it happens: an allowed Origin, then credentials — a
 * session cookie, an API token with the read scope (Authorization: Bearer, or `?token=`
 * since browsers cannot set headers on a WebSocket), or a kiosk token (`?kiosk=` or
 * `?token=`), which limits the connection to its board, or a share link's token (the same
 * parameters), which limits it to its view.
 */
export async function checkHandshake(req: IncomingMessage, deps: HandshakeDeps): Promise<HandshakeVerdict> {
  const origin = req.headers.origin;
  if (!deps.hosts.allows(req.headers.host)) return { ok: false, status: 403, reason: 'host not served here (NORTHSTAR_ALLOWED_HOSTS)' };
  if (!originAllowed(origin, req.headers.host, deps.allowedOrigins)) {
    return { ok: false, status: 403, reason: 'origin not allowed' };
  }
  const { auth } = deps;
  if (!auth) return { ok: true, credentials: [] };
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const token = bearerToken(req.headers.authorization) ?? query.get('kiosk') ?? query.get('token') ?? undefined;
  let who: Principal | null = null;
  if (token) who = auth.fromToken(token);
  else {
    const session = parseCookies(req.headers.cookie ?? '', deps.sessionCookie)[deps.sessionCookie];
    if (session) who = await auth.fromSession(session);
  }
  if (!who) return { ok: false, status: 401, reason: token ? 'unknown or revoked token' : 'no credentials' };
  if (who.kind === 'kiosk') {
    const access = deps.boardAccess(who.board);
    if (!access) return { ok: false, status: 403, reason: `board "${who.board}" no longer exists` };
    return { ok: true, access, credentials: credentialsOf(who) };
  }
  if (who.kind === 'share') {
    const access = deps.shareAccess(who.view);
    if (!access) return { ok: false, status: 403, reason: 'what this link shows no longer exists' };
    return { ok: true, access, credentials: credentialsOf(who) };
  }
  // the read rule of the HTTP API (auth/policy.ts): a token needs the read or admin scope
  if (!authorize(who, 'read', 'GET', '/ws').ok) {
    return { ok: false, status: 403, reason: 'token lacks the read scope' };
  }
  return { ok: true, credentials: credentialsOf(who) };
}
