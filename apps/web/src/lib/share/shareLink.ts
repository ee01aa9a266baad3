import type { ShareInfo, ShareView } from '@northstar/shared';

/** A share link `#/share?token=<token>`: its token, or '' when the address is not one. */
export function shareFromHash(hash: string): string {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  if (path.replace(/\/+$/, '') !== '/share') return '';
  return new URLSearchParams(query).get('token')?.trim() ?? '';
}

/** The full link to open a shared view: read-only, never asks anyone to sign in. */
export function shareLink(origin: string, token: string): string {
  return `${origin}/#/share?token=${encodeURIComponent(token)}`;
}

/** An <iframe> an intranet page can paste (it loads only from origins an admin allows: NORTHSTAR_EMBED_ORIGINS). */
export function embedSnippet(link: string, title: string): string {
  const safeTitle = title.replace(/[&"<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<iframe src="${link}" title="${safeTitle}" width="960" height="600" style="border:0"></iframe>`;
}

/** What a link shows, in words. */
export function describeView(view: ShareView): string {
  if (view.kind === 'board') return `board ${view.board}`;
  if (view.kind === 'kpi') return `KPI ${view.kpi}, ${view.range}`;
  return `objective ${view.objective} and below`;
}

export type ShareStatus = 'active' | 'expired' | 'revoked';

export function shareStatus(share: Pick<ShareInfo, 'expiresAt' | 'revokedAt'>, now: number): ShareStatus {
  if (share.revokedAt !== null) return 'revoked';
  if (share.expiresAt !== null && share.expiresAt <= now) return 'expired';
  return 'active';
}

/** The objective and every one below it, from the objectives the live connection sees. */
export function subtree(root: string, objectives: ReadonlyArray<{ id: string; parent?: string | undefined }>): Set<string> {
  const inside = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const o of objectives) {
      if (o.parent !== undefined && inside.has(o.parent) && !inside.has(o.id)) {
        inside.add(o.id);
        grew = true;
      }
    }
  }
  return inside;
}
