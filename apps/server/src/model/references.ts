import { kpiLinks, type FieldProblem } from '@northstar/shared';
import type { EntityKind } from '../store/model-repo.ts';
import type { DefinitionOf, ModelChange, ModelMaps } from './model-kinds.ts';

/** What the model refers to but does not hold: the config file's notification channels. */
export interface ExternalIds {
  channels: ReadonlySet<string>;
}
const NO_EXTERNAL: ExternalIds = { channels: new Set() };

/** References a definition of each kind makes, checked against `view` (the model as it would be). */
export const REFERENCE_CHECKS: {
  [K in EntityKind]: (def: DefinitionOf<K>, view: ModelMaps, external?: ExternalIds) => FieldProblem[];
} = {
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
  // the config file's channels keep their ids: an app channel of the same id would make routing ambiguous
  channel: (ch, _view, external = NO_EXTERNAL) =>
    external.channels.has(ch.id) ? [{ field: 'id', message: `"${ch.id}" is a channel of the config file; choose another id` }] : [],
  route: (r, view, external = NO_EXTERNAL) => {
    const problems: FieldProblem[] = [];
    r.channels.forEach((id, i) => {
      if (!view.channel.has(id) && !external.channels.has(id)) problems.push({ field: `channels[${i}]`, message: `no channel "${id}"` });
    });
    return problems;
  },
  setting: () => [],
};

/** The problems with the references of a changed definition (none for a delete). */
export function referenceProblems<K extends EntityKind>(change: ModelChange<K>, view: ModelMaps, external = NO_EXTERNAL): FieldProblem[] {
  return change.definition ? REFERENCE_CHECKS[change.kind](change.definition, view, external) : [];
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
  if (kind === 'channel') return [...view.route.values()].filter((r) => r.channels.includes(id)).map((r) => `route ${r.id}`);
  return [];
}
