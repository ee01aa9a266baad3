import type { RangePreset } from '../detail/range.ts';
import { DEFAULT_VIEW, parseView, serializeView, withView, type HistoryView } from '../detail/view.ts';

/** The app's pages, addressed by the URL hash so the static build needs no server routes. */
export type Route =
  | { page: 'wall' }
  | { page: 'tree' }
  | { page: 'reviews' }
  /** Alert rules, with the detectors' precision. */
  | { page: 'rules' }
  /** Saved boards, each with its TV (kiosk) link. */
  | { page: 'boards' }
  /** Read-only share links: make, list, revoke (editors). */
  | { page: 'shares' }
  /** The monthly report, for print and PDF: `month` like 2026-11 (null: last month), `objective` null for the whole organisation. */
  | { page: 'report'; month: string | null; objective: string | null }
  /** Full-screen, read-only TV mode rotating through `boards` (empty = all); `rotate` overrides each board's seconds. */
  | { page: 'tv'; boards: string[]; rotate: number | null }
  /** id null = a new one; `preset` pre-fills a new one (e.g. the parent objective from the tree). */
  | { page: 'edit'; kind: EditKind; id: string | null; preset: Readonly<Record<string, string>> }
  | { page: 'checkin'; kind: 'objective' | 'kpi' | 'goal'; id: string }
  /** An objective's review digest: its preview, "send me this now" and one's subscription. */
  | { page: 'digest'; id: string }
  /** One KPI's history; the whole view (range, comparison, breakdown, overlays) is in the URL so a link reproduces it. */
  | { page: 'kpi'; id: string; view: HistoryView }
  /** Sign-in; `next` is the page to return to (a hash path like "/kpi/orders"). */
  | { page: 'login'; next: string | null }
  /** Users and API tokens (admins). */
  | { page: 'admin' }
  /** Notification channels and routes, and the origins allowed to embed (admins edit). */
  | { page: 'notifications' }
  | { page: 'not_found'; hash: string };

const EDIT_KINDS = ['objective', 'kpi', 'rule', 'board'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];
const CHECKIN_KINDS = ['objective', 'kpi', 'goal'] as const;

function oneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** "#/edit/kpi/orders" → { page: 'edit', kind: 'kpi', id: 'orders' }. Unknown hashes are not_found; an empty one is the wall. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  const parts = path.split('/').filter((p) => p !== '');
  const [head, kind, rawId, ...rest] = parts;
  const notFound: Route = { page: 'not_found', hash };
  if (parts.length === 0) return { page: 'wall' };
  if (parts.length === 1 && head === 'tree') return { page: 'tree' };
  if (parts.length === 1 && head === 'reviews') return { page: 'reviews' };
  if (parts.length === 1 && head === 'rules') return { page: 'rules' };
  if (parts.length === 1 && head === 'boards') return { page: 'boards' };
  if (parts.length === 1 && head === 'shares') return { page: 'shares' };
  if (parts.length === 1 && head === 'report') {
    const q = new URLSearchParams(query);
    return { page: 'report', month: q.get('month'), objective: q.get('objective') };
  }
  if (parts.length === 1 && head === 'tv') return parseTv(query);
  if (parts.length === 1 && head === 'login') return { page: 'login', next: new URLSearchParams(query).get('next') };
  if (parts.length === 1 && head === 'admin') return { page: 'admin' };
  if (parts.length === 1 && head === 'notifications') return { page: 'notifications' };
  if (head === 'kpi' && parts.length === 2 && kind !== undefined) {
    const id = decode(kind);
    if (id === null || id === '') return notFound;
    return { page: 'kpi', id, view: parseView(query) };
  }
  if (head === 'digest' && parts.length === 2 && kind !== undefined) {
    const id = decode(kind);
    return id === null || id === '' ? notFound : { page: 'digest', id };
  }
  if (rest.length > 0 || rawId === undefined) return notFound;
  const id = decode(rawId);
  if (id === null || id === '') return notFound;
  if (head === 'edit' && oneOf(EDIT_KINDS, kind)) {
    const preset: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(query)) preset[k] = v;
    return id === 'new' ? { page: 'edit', kind, id: null, preset } : { page: 'edit', kind, id, preset: {} };
  }
  if (head === 'checkin' && oneOf(CHECKIN_KINDS, kind)) return { page: 'checkin', kind, id };
  return notFound;
}

/** Shortest and longest rotation a URL may ask for, in seconds (the board schema's bounds). */
export const MIN_ROTATE_SECONDS = 5;
export const MAX_ROTATE_SECONDS = 3600;

function parseTv(query: string): Route {
  const params = new URLSearchParams(query);
  const boards = (params.get('boards') ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const raw = Number(params.get('rotate') ?? '');
  const rotate =
    params.has('rotate') && Number.isFinite(raw) && raw > 0
      ? Math.min(MAX_ROTATE_SECONDS, Math.max(MIN_ROTATE_SECONDS, Math.round(raw)))
      : null;
  return { page: 'tv', boards: [...new Set(boards)], rotate };
}

type RouteInput =
  | { page: 'wall' | 'tree' | 'reviews' | 'rules' | 'boards' | 'shares' | 'admin' | 'notifications' }
  | { page: 'login' }
  | { page: 'report'; month?: string | null; objective?: string | null }
  | { page: 'tv'; boards?: readonly string[]; rotate?: number | null }
  | { page: 'edit'; kind: EditKind; id: string | null; preset?: Readonly<Record<string, string>> }
  | { page: 'checkin'; kind: 'objective' | 'kpi' | 'goal'; id: string }
  | { page: 'digest'; id: string }
  /** `range` is a shorthand for the default view with that preset. */
  | { page: 'kpi'; id: string; view?: HistoryView; range?: RangePreset };

/** The href of a page; the inverse of parseRoute. */
export function routeHref(route: RouteInput): string {
  switch (route.page) {
    case 'wall':
      return '#/';
    case 'tree':
    case 'reviews':
    case 'rules':
    case 'boards':
    case 'shares':
    case 'admin':
    case 'notifications':
    case 'login':
      return `#/${route.page}`;
    case 'report': {
      const params = new URLSearchParams();
      if (route.month) params.set('month', route.month);
      if (route.objective) params.set('objective', route.objective);
      const query = params.toString();
      return `#/report${query ? `?${query}` : ''}`;
    }
    case 'tv': {
      const params: string[] = [];
      if (route.boards && route.boards.length > 0) params.push(`boards=${route.boards.map(encodeURIComponent).join(',')}`);
      if (route.rotate != null) params.push(`rotate=${route.rotate}`);
      return `#/tv${params.length > 0 ? `?${params.join('&')}` : ''}`;
    }
    case 'edit': {
      const query = route.id === null && route.preset ? new URLSearchParams(route.preset).toString() : '';
      return `#/edit/${route.kind}/${route.id === null ? 'new' : encodeURIComponent(route.id)}${query ? `?${query}` : ''}`;
    }
    case 'checkin':
      return `#/checkin/${route.kind}/${encodeURIComponent(route.id)}`;
    case 'digest':
      return `#/digest/${encodeURIComponent(route.id)}`;
    case 'kpi': {
      const view = route.view ?? (route.range ? withView(DEFAULT_VIEW, { range: { kind: 'preset', preset: route.range } }) : DEFAULT_VIEW);
      const query = serializeView(view);
      return `#/kpi/${encodeURIComponent(route.id)}${query ? `?${query}` : ''}`;
    }
  }
}
