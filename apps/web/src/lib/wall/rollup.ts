import {
  isTroubled,
  objectiveHealth,
  primaryObjective,
  type KpiHealth,
  type Objective,
  type ObjectiveState,
  type WallKpi,
  type WallObjective,
} from '@northstar/shared';

export interface ObjectiveGroup {
  objective: Objective;
  /** The server's roll-up (children and weights included); computed locally only for the "Not linked" group. */
  state: ObjectiveState;
  /** The KPIs shown under this objective: those whose first link is to it or to an objective below it. */
  kpis: WallKpi[];
  /** KPI id → the name of the objective below this one that the KPI sits under (shown on its tile). */
  via: ReadonlyMap<string, string>;
  /** Names of the KPIs in `state.troubled`, for the header's mark. */
  troubledNames: string[];
}

/** Id for KPIs without a (known) objective; the leading "_" cannot clash with a real id. */
export const UNLINKED_OBJECTIVE_ID = '_unlinked';

/**
 * The roll-up for KPIs no objective claims, by the shared status model like the server's:
 * mean attainment (each capped at 100 so one overachiever cannot hide a miss), the worst
 * shown status (`health`, else the measured one) and the reason. The server rolls up real objectives.
 */
export function localRollup(id: string, kpis: readonly WallKpi[], health: ReadonlyMap<string, KpiHealth> = new Map()): ObjectiveState {
  const attainments = kpis.map((k) => k.state.attainment).filter((a): a is number => a !== null && Number.isFinite(a));
  const attainment = attainments.length === 0 ? null : attainments.reduce((sum, a) => sum + Math.min(a, 100), 0) / attainments.length;
  const children = kpis.map((k) => ({
    id: k.definition.id,
    name: k.definition.name,
    status: health.get(k.definition.id)?.status ?? k.state.status,
  }));
  const { status, reason } = objectiveHealth('weighted_average', attainment, children);
  return {
    id,
    attainment,
    status,
    troubled: children.filter((c) => isTroubled(c.status)).map((c) => c.id),
    kpiCount: kpis.length,
    reason,
  };
}

/** The top of the tree above an objective; a parent cycle or an unknown parent stops the walk. */
function rootOf(id: string, parents: ReadonlyMap<string, string | undefined>): string {
  const seen = new Set<string>([id]);
  let at = id;
  for (let parent = parents.get(at); parent !== undefined && parents.has(parent) && !seen.has(parent); parent = parents.get(at)) {
    seen.add(parent);
    at = parent;
  }
  return at;
}

/**
 * Groups KPIs under the top-level objective their primary objective sits under, in the
 * server's order, so a TV wall shows a few organisation objectives, not every department;
 * each tile is told which objective below the top it belongs to. KPIs linked to no known
 * objective go in a last "Not linked" group.
 */
export function groupByObjective(
  objectives: readonly WallObjective[],
  kpis: readonly WallKpi[],
  health: ReadonlyMap<string, KpiHealth> = new Map(),
): ObjectiveGroup[] {
  const parents = new Map(objectives.map((o) => [o.definition.id, o.definition.parent]));
  const names = new Map<string, string>([
    ...objectives.map((o) => [o.definition.id, o.definition.name] as const),
    ...kpis.map((k) => [k.definition.id, k.definition.name] as const),
  ]);
  // a parent cycle has no top: its members' walks end at each other, and those count as tops
  const rootIds = new Set(objectives.map((o) => rootOf(o.definition.id, parents)));
  const roots = objectives.filter((o) => rootIds.has(o.definition.id));
  const byRoot = new Map<string, WallKpi[]>(roots.map((o) => [o.definition.id, []]));
  const via = new Map<string, Map<string, string>>(roots.map((o) => [o.definition.id, new Map()]));
  const unlinked: WallKpi[] = [];
  for (const kpi of kpis) {
    const primary = primaryObjective(kpi.definition);
    if (primary === undefined || !parents.has(primary)) {
      unlinked.push(kpi);
      continue;
    }
    const root = rootOf(primary, parents);
    byRoot.get(root)?.push(kpi);
    if (root !== primary) via.get(root)?.set(kpi.definition.id, names.get(primary) ?? primary);
  }
  const nameOf = (ids: readonly string[]) => ids.map((id) => names.get(id) ?? id);
  const groups: ObjectiveGroup[] = roots.map((o) => ({
    objective: o.definition,
    state: o.state,
    kpis: byRoot.get(o.definition.id) ?? [],
    via: via.get(o.definition.id) ?? new Map(),
    troubledNames: nameOf(o.state.troubled),
  }));
  if (unlinked.length > 0) {
    const state = localRollup(UNLINKED_OBJECTIVE_ID, unlinked, health);
    groups.push({
      objective: { id: UNLINKED_OBJECTIVE_ID, name: 'Not linked', level: 'organisation', rollup: 'weighted_average' },
      state,
      kpis: unlinked,
      via: new Map(),
      troubledNames: nameOf(state.troubled),
    });
  }
  return groups;
}
