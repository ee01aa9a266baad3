import { kpiLinks, type FieldProblem } from '@northstar/shared';
import type { EntityKind } from '../store/model-repo.ts';
import type { DefinitionOf, ModelChange, ModelMaps } from './model-kinds.ts';

/** References a definition of each kind makes, checked against `view` (the model as it would be). */
export const REFERENCE_CHECKS: { [K in EntityKind]: (def: DefinitionOf<K>, view: ModelMaps) => FieldProblem[] } = {
  objective: (o, view) => {
    const problems: FieldProblem[] = [];
    if (o.parent !== undefined) {
      if (o.parent === o.id) problems.push({ field: 'parent', message: 'an objective cannot be its own parent' });
      else if (!view.objective.has(o.parent)) problems.push({ field: 'parent', message: `no objective with id "${o.parent}"` });
      else {
        // walk up from the new parent: reaching this objective again would close a cycle
        const seen = new Set<string>();
        for (let at: string | undefined = o.parent; at !== undefined && !seen.has(at); at = view.objective.get(at)?.parent) {
          if (at === o.id) {
            problems.push({ field: 'parent', message: `"${o.parent}" is already below "${o.id}": this would make a cycle` });
            break;
          }
          seen.add(at);
        }
      }
    }
    return problems;
  },
  kpi: (k, view) => {
    const problems: FieldProblem[] = [];
    kpiLinks(k).forEach((link, i) => {
      if (!view.objective.has(link.id)) {
        problems.push({
          field: k.objectives?.length ? `objectives[${i}].id` : 'objective',
          message: `no objective with id "${link.id}"`,
        });
      }
    });
    return problems;
  },
  goal: (g, view) => (view.kpi.has(g.kpi) ? [] : [{ field: 'kpi', message: `no KPI with id "${g.kpi}"` }]),
  board: (b, view) => {
    const problems: FieldProblem[] = [];
    b.kpis.forEach((id, i) => {
      if (!view.kpi.has(id)) problems.push({ field: `kpis[${i}]`, message: `no KPI with id "${id}"` });
    });
    return problems;
  },
  rule: (r, view) => {
    const problems: FieldProblem[] = [];
    (r.kpis ?? []).forEach((id, i) => {
      if (!view.kpi.has(id)) problems.push({ field: `kpis[${i}]`, message: `no KPI with id "${id}"` });
    });
    if (r.objective !== undefined && !view.objective.has(r.objective))
      problems.push({ field: 'objective', message: `no objective with id "${r.objective}"` });
    return problems;
  },
};

/** The problems with the references of a changed definition (none for a delete). */
export function referenceProblems<K extends EntityKind>(change: ModelChange<K>, view: ModelMaps): FieldProblem[] {
  return change.definition ? REFERENCE_CHECKS[change.kind](change.definition, view) : [];
}

/** What still points at an entity; a delete must not leave dangling references. */
export function dependentsOf(kind: EntityKind, id: string, view: ModelMaps): string[] {
  if (kind === 'objective') {
    const kids = [...view.objective.values()].filter((o) => o.parent === id).map((o) => `objective ${o.id}`);
    const kpis = [...view.kpi.values()].filter((k) => kpiLinks(k).some((l) => l.id === id)).map((k) => `KPI ${k.id}`);
    const rules = [...view.rule.values()].filter((r) => r.objective === id).map((r) => `rule ${r.id}`);
    return [...kids, ...kpis, ...rules];
  }
  if (kind === 'kpi') {
    const goals = [...view.goal.values()].filter((g) => g.kpi === id).map((g) => `goal ${g.id}`);
    const rules = [...view.rule.values()].filter((r) => r.kpis?.includes(id)).map((r) => `rule ${r.id}`);
    const boards = [...view.board.values()].filter((b) => b.kpis.includes(id)).map((b) => `board ${b.id}`);
    return [...goals, ...rules, ...boards];
  }
  return [];
}
