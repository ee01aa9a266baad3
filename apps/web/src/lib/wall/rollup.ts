import type { KpiStatusName, Objective, WallKpi } from '@northstar/shared';

/** How bad each status is for an objective's health; higher is worse. */
const SEVERITY: Readonly<Record<KpiStatusName, number>> = {
  on_track: 0,
  no_data: 1,
  at_risk: 2,
  off_track: 3,
};

export interface ObjectiveRollup {
  /** Mean attainment of the KPIs that have one, each capped at 100 so one overachiever cannot hide a miss. */
  attainment: number | null;
  /** The worst status among the objective's KPIs ("no_data" when it has none). */
  health: KpiStatusName;
  /** True when any KPI below the objective is at risk or off track. */
  alerting: boolean;
  kpiCount: number;
}

export interface ObjectiveGroup {
  objective: Objective;
  kpis: WallKpi[];
  rollup: ObjectiveRollup;
}

/** Id for KPIs whose objective the server did not list; the leading "_" cannot clash with a real id. */
export const UNLINKED_OBJECTIVE_ID = '_unlinked';

export function worstStatus(statuses: Iterable<KpiStatusName>): KpiStatusName {
  let worst: KpiStatusName | null = null;
  for (const s of statuses) if (worst === null || SEVERITY[s] > SEVERITY[worst]) worst = s;
  return worst ?? 'no_data';
}

export function rollupObjective(kpis: readonly WallKpi[]): ObjectiveRollup {
  const attainments = kpis.map((k) => k.state.attainment).filter((a): a is number => a !== null && Number.isFinite(a));
  const attainment = attainments.length === 0 ? null : attainments.reduce((sum, a) => sum + Math.min(a, 100), 0) / attainments.length;
  return {
    attainment,
    health: worstStatus(kpis.map((k) => k.state.status)),
    alerting: kpis.some((k) => k.state.status === 'at_risk' || k.state.status === 'off_track'),
    kpiCount: kpis.length,
  };
}

/** Groups KPIs under their objectives, in the server's order; KPIs of an unknown objective go last. */
export function groupByObjective(objectives: readonly Objective[], kpis: readonly WallKpi[]): ObjectiveGroup[] {
  const byObjective = new Map<string, WallKpi[]>(objectives.map((o) => [o.id, []]));
  const unlinked: WallKpi[] = [];
  for (const kpi of kpis) (byObjective.get(kpi.definition.objective) ?? unlinked).push(kpi);
  const groups = objectives.map((objective) => {
    const members = byObjective.get(objective.id) ?? [];
    return { objective, kpis: members, rollup: rollupObjective(members) };
  });
  if (unlinked.length > 0) {
    groups.push({
      objective: { id: UNLINKED_OBJECTIVE_ID, name: 'Not linked to an objective' },
      kpis: unlinked,
      rollup: rollupObjective(unlinked),
    });
  }
  return groups;
}
