import { kpiLinks, type KpiDefinition, type Objective, type ShareView } from '@northstar/shared';
import { liveAccess, type LiveAccess } from '../live/access.ts';
import { boardAccess } from './board-access.ts';

interface ShareModel {
  boards: ReadonlyArray<{ id: string; kpis: readonly string[] }>;
  kpis: readonly KpiDefinition[];
  objectives: readonly Pick<Objective, 'id' | 'parent'>[];
}

/** The objective and every one below it (guarding against a cycle). */
export function subtreeOf(root: string, objectives: readonly Pick<Objective, 'id' | 'parent'>[]): Set<string> {
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

/**
 * What a share link may see on the live connection, the kiosk's rule applied to its view:
 * a board as its kiosk sees it; one KPI; or the KPIs under an objective, with the objectives
 * of that subtree and those above it. null when what it shows no longer exists.
 */
export function shareAccess(model: ShareModel): (view: ShareView) => LiveAccess | null {
  const board = boardAccess(model);
  return (view) => {
    if (view.kind === 'board') return board(view.board);
    if (view.kind === 'kpi') return model.kpis.some((k) => k.id === view.kpi) ? liveAccess(new Set([view.kpi]), model) : null;
    if (!model.objectives.some((o) => o.id === view.objective)) return null;
    const subtree = subtreeOf(view.objective, model.objectives);
    const kpis = new Set(model.kpis.filter((k) => kpiLinks(k).some((l) => subtree.has(l.id))).map((k) => k.id));
    const access = liveAccess(kpis, model);
    // an objective of the subtree with no KPI yet is still part of the view
    return { kpis, objectives: new Set([...access.objectives, ...subtree]) };
  };
}
