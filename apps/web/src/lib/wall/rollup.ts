import {
  primaryObjective,
  type KpiStatusName,
  type Objective,
  type ObjectiveState,
  type WallKpi,
  type WallObjective,
} from '@northstar/shared';

/** How bad each status is for an objective's health; higher is worse. */
const SEVERITY: Readonly<Record<KpiStatusName, number>> = {
  on_track: 0,
  no_target: 1,
  no_data: 2,
  at_risk: 3,
  off_track: 4,
};

export interface ObjectiveGroup {
  objective: Objective;
  /** The server's roll-up (children and weights included); computed locally only for the "Not linked" group. */
  state: ObjectiveState;
  /** The KPIs shown under this objective: those whose first link is to it. */
  kpis: WallKpi[];
  /** Names of the KPIs in `state.troubled`, for the header's mark. */
  troubledNames: string[];
}

/** Id for KPIs without a (known) objective; the leading "_" cannot clash with a real id. */
export const UNLINKED_OBJECTIVE_ID = '_unlinked';

export function worstStatus(statuses: Iterable<KpiStatusName>): KpiStatusName {
  let worst: KpiStatusName | null = null;
  for (const s of statuses) if (worst === null || SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst ?? 'no_data';
}

/**
 * The roll-up for KPIs no objective claims: mean attainment (each capped at 100 so one
 * overachiever cannot hide a miss) and the worst status. The server rolls up real objectives.
 */
export function localRollup(id: string, kpis: readonly WallKpi[]): ObjectiveState {
  const attainments = kpis.map((k) => k.state.attainment).filter((a): a is number => a !== null && Number.isFinite(a));
  return {
    id,
    attainment: attainments.length === 0 ? null : attainments.reduce((sum, a) => sum + Math.min(a, 100), 0) / attainments.length,
    status: worstStatus(kpis.map((k) => k.state.status)),
    troubled: kpis.filter((k) => k.state.status === 'at_risk' || k.state.status === 'off_track').map((k) => k.definition.id),
    kpiCount: kpis.length,
  };
}

/**
 * Groups KPIs under their primary objective, in the server's order; KPIs linked to no
 * objective (or to one the server did not list) go in a last "Not linked" group.
 */
export function groupByObjective(objectives: readonly WallObjective[], kpis: readonly WallKpi[]): ObjectiveGroup[] {
  const byObjective = new Map<string, WallKpi[]>(objectives.map((o) => [o.definition.id, []]));
  const names = new Map(kpis.map((k) => [k.definition.id, k.definition.name]));
  const unlinked: WallKpi[] = [];
  for (const kpi of kpis) {
    const primary = primaryObjective(kpi.definition);
    (primary === undefined ? unlinked : (byObjective.get(primary) ?? unlinked)).push(kpi);
  }
  const nameOf = (ids: readonly string[]) => ids.map((id) => names.get(id) ?? id);
  const groups: ObjectiveGroup[] = objectives.map((o) => ({
    objective: o.definition,
    state: o.state,
    kpis: byObjective.get(o.definition.id) ?? [],
    troubledNames: nameOf(o.state.troubled),
  }));
  if (unlinked.length > 0) {
    const state = localRollup(UNLINKED_OBJECTIVE_ID, unlinked);
    groups.push({
      objective: { id: UNLINKED_OBJECTIVE_ID, name: 'Not linked', level: 'organisation', rollup: 'weighted_average' },
      state,
      kpis: unlinked,
      troubledNames: nameOf(state.troubled),
    });
  }
  return groups;
}
