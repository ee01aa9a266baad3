import { primaryObjective, type KpiDefinition, type Objective, type PathStep } from '@northstar/shared';

/** KPI → its primary objective → … → the top: which objectives an alert puts at risk, and whose. */
export function alignmentPath(kpi: KpiDefinition, objectives: ReadonlyMap<string, Objective>): PathStep[] {
  const path: PathStep[] = [{ kind: 'kpi', id: kpi.id, name: kpi.name, ...(kpi.owner ? { owner: kpi.owner } : {}) }];
  const seen = new Set<string>();
  for (let id = primaryObjective(kpi); id !== undefined && !seen.has(id);) {
    const o = objectives.get(id);
    if (!o) break;
    seen.add(id);
    path.push({ kind: 'objective', id: o.id, name: o.name, ...(o.owner ? { owner: o.owner } : {}) });
    id = o.parent;
  }
  return path;
}
