import type { ShareView } from '@northstar/shared';
import { roleAtLeast, type Principal } from './types.ts';

/**
 * What a request needs, by route class:
 * - public: signing in (with a password or single sign-on), health, the API description, the static web app,
 *   and what a share link shows (its handler checks the link itself, so an expired one can say so);
 * - read: GETs under /api and /metrics (viewers; tokens with read scope; a kiosk token for its own board only);
 * - ingest: POST /api/v1/events (tokens with the ingest scope);
 * - editor: every other write, kiosk links and share links;
 * - admin: users and API tokens; writes to notification channels and routes and to app settings;
 * - session: a signed-in person's own logout and password, and their own review digests;
 * - the unsubscribe link and chart images of a review digest are public (signed tokens say who and what).
 */
export type Access = 'public' | 'read' | 'ingest' | 'editor' | 'admin' | 'session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** POSTs that only compute an answer from what a viewer may read. */
const READ_POSTS = new Set(['/api/v1/detect/backtest']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

export function requiredAccess(method: string, path: string): Access {
  if (path === '/metrics') return 'read';
  if (!path.startsWith('/api/')) return 'public';
  if (path === '/api/v1/auth/login' || path === '/api/v1/auth/me' || path === '/api/v1/openapi.json') return 'public';
  // single sign-on: starting it and the provider's redirect back come before anyone is signed in
  if (path === '/api/v1/auth/oidc' || path.startsWith('/api/v1/auth/oidc/')) return 'public';
  if (path === '/api/v1/shares/current' && isSafeMethod(method)) return 'public';
  // who made which link is the editors' business, like kiosk links
  if (path === '/api/v1/shares' || path.startsWith('/api/v1/shares/')) return 'editor';
  if (path === '/api/v1/auth/logout' || path === '/api/v1/auth/password') return 'session';
  // a digest's unsubscribe link works without signing in (its token is signed); a person's own digests need a person
  if (path === '/api/v1/digests/unsubscribe' || path.startsWith('/api/v1/digests/charts/')) return 'public';
  if (path.startsWith('/api/v1/digests/subscriptions') || (path.startsWith('/api/v1/digests/objectives/') && path.endsWith('/send'))) {
    return 'session';
  }
  if (path.startsWith('/api/v1/auth/users') || path.startsWith('/api/v1/auth/tokens')) return 'admin';
  // notification channels (their secrets) and routes, and app settings such as embed origins, are the admins' to change
  if (!isSafeMethod(method) && (path.startsWith('/api/v1/notifications/') || path.startsWith('/api/v1/settings/'))) return 'admin';
  if (path.startsWith('/api/v1/auth/kiosk-tokens')) return 'editor';
  if (path === '/api/v1/events' && method === 'POST') return 'ingest';
  if (isSafeMethod(method) || (method === 'POST' && READ_POSTS.has(path))) return 'read';
  return 'editor';
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

const DENIED = (message: string): Verdict => ({ ok: false, status: 403, message });

/** Whether `who` may make this request; `null` is nobody (no or bad credentials). */
export function authorize(who: Principal | null, access: Access, method: string, path: string): Verdict {
  if (access === 'public' || who?.kind === 'open') return { ok: true };
  if (!who) {
    return {
      ok: false,
      status: 401,
      message:
        access === 'ingest'
          ? 'ingest needs Authorization: Bearer <API token with the ingest scope>'
          : 'sign in, or send Authorization: Bearer <API token>',
    };
  }
  switch (who.kind) {
    case 'user':
      if (access === 'ingest') return DENIED('ingest is for machines: use an API token with the ingest scope');
      if (access === 'session' || access === 'read') return { ok: true };
      return roleAtLeast(who.role, access) ? { ok: true } : DENIED(`this needs the ${access} role; you are ${who.role}`);
    case 'token': {
      const has = (scope: string) => who.scopes.includes('admin') || who.scopes.includes(scope as never);
      if (access === 'session') return DENIED('this is for a signed-in person, not a token');
      if (access === 'read' || access === 'ingest') return has(access) ? { ok: true } : DENIED(`this token lacks the ${access} scope`);
      return has('admin') ? { ok: true } : DENIED('this token lacks the admin scope');
    }
    case 'kiosk':
      // a TV reads its own board's definition; tiles come over the WebSocket
      if (isSafeMethod(method) && path === `/api/v1/boards/${encodeURIComponent(who.board)}`) return { ok: true };
      return DENIED('a kiosk link shows its board and nothing else');
    case 'share':
      if (isSafeMethod(method) && sharePaths(who.view).includes(path)) return { ok: true };
      return DENIED('a share link is read-only and shows its view and nothing else');
  }
}

/** The API reads a share link's page makes (besides /api/v1/shares/current); its tiles come over the WebSocket. */
export function sharePaths(view: ShareView): string[] {
  if (view.kind === 'board') return [`/api/v1/boards/${encodeURIComponent(view.board)}`];
  if (view.kind === 'kpi') {
    const kpi = `/api/v1/kpis/${encodeURIComponent(view.kpi)}`;
    return [kpi, `${kpi}/series`];
  }
  return [];
}

/** The name recorded as the author of a change. */
export function authorOf(who: Principal | undefined, claimed: string | undefined): string {
  if (who?.kind === 'user') return who.name;
  if (who?.kind === 'token') return `token:${who.name}`;
  if (who?.kind === 'kiosk') return `kiosk:${who.id}`;
  if (who?.kind === 'share') return `share:${who.id}`;
  // auth off: the name the browser says, as before
  return (claimed ?? '').trim() || 'anonymous';
}
