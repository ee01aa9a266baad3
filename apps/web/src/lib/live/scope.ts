import { MAX_SCOPE_IDS, type ClientMessage, type LiveScope } from '@northstar/shared';
import type { Route } from '../router/route.ts';

/** Every KPI: the wall, the tree, the editors. */
export const EVERYTHING: LiveScope = { all: true };

/** The most boards one `subscribe` may name (the protocol's bound). */
export const MAX_SCOPE_BOARDS = 20;

/**
 * What a page needs to hear about: one KPI on its detail page, every KPI elsewhere. TV mode
 * is decided by its playlist (see scopeForBoards), once the boards are loaded; null here.
 */
export function scopeForRoute(route: Route): LiveScope | null {
  if (route.page === 'tv') return null;
  if (route.page === 'kpi') return { kpis: [route.id] };
  return EVERYTHING;
}

/** The boards of a TV playlist; everything when one of them shows every KPI, or there are more than a message may name. */
export function scopeForBoards(boards: ReadonlyArray<{ id: string; kpis: readonly string[] }>): LiveScope {
  if (boards.length === 0 || boards.length > MAX_SCOPE_BOARDS) return EVERYTHING;
  if (boards.some((b) => b.kpis.length === 0 || b.kpis.length > MAX_SCOPE_IDS)) return EVERYTHING;
  return { boards: boards.map((b) => ({ id: b.id, kpis: [...b.kpis] })) };
}

function normalise(scope: LiveScope): string {
  return JSON.stringify({
    all: scope.all === true,
    kpis: [...(scope.kpis ?? [])].sort(),
    objectives: [...(scope.objectives ?? [])].sort(),
    boards: [...(scope.boards ?? [])].map((b) => [b.id, b.kpis.join('\n')]).sort(),
  });
}

export function sameScope(a: LiveScope, b: LiveScope): boolean {
  return normalise(a) === normalise(b);
}

/**
 * The messages that move a connection from `from` to `to`: subscribe to the new scope
 * first, then drop the parts of the old one it no longer names, so a KPI in both never
 * leaves the scope (and is not sent whole again).
 */
export function scopeChange(from: LiveScope, to: LiveScope): ClientMessage[] {
  if (sameScope(from, to)) return [];
  const messages: ClientMessage[] = [{ type: 'subscribe', ...to }];
  const drop: LiveScope = {};
  if (from.all && !to.all) drop.all = true;
  const kpis = (from.kpis ?? []).filter((id) => !(to.kpis ?? []).includes(id));
  if (kpis.length > 0) drop.kpis = kpis;
  const objectives = (from.objectives ?? []).filter((id) => !(to.objectives ?? []).includes(id));
  if (objectives.length > 0) drop.objectives = objectives;
  const boards = (from.boards ?? []).filter((b) => !(to.boards ?? []).some((t) => t.id === b.id)).map((b) => ({ id: b.id, kpis: [] }));
  if (boards.length > 0) drop.boards = boards;
  if (Object.keys(drop).length > 0) messages.push({ type: 'unsubscribe', ...drop });
  return messages;
}
