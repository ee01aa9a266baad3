import { kpiLinks, type KpiDefinition, type KpiState, type KpiStatusName, type Objective, type ObjectiveState } from '@northstar/shared';
import { compareIds, objectiveTree } from './objective-tree.ts';

/**
 * Roll-up status thresholds for `weighted_average`, in percent of target. They mirror the
 * KPI defaults (at risk below 90 %, off track below 75 % of target) so an objective reads
 * the same way its KPIs do.
 */
export const ROLLUP_ON_TRACK_PERCENT = 90;
export const ROLLUP_AT_RISK_PERCENT = 75;

/**
 * A KPI's attainment counts at most this much in a weighted average: 180 % on one KPI
 * must not hide 40 % on another. Over-achievement is real, but it is not a substitute.
 */
export const ROLLUP_ATTAINMENT_CAP_PERCENT = 100;

/**
 * A child objective weighs as much as a KPI link of weight 1. Objectives carry no weight
 * of their own in the model; equal weight keeps a parent from being dominated by however
 * many KPIs one child happens to have.
 */
export const CHILD_OBJECTIVE_WEIGHT = 1;

const TROUBLE: ReadonlySet<KpiStatusName> = new Set(['at_risk', 'off_track']);
/** Worse is larger; no_data and no_target are not ranked because they say nothing about health. */
const SEVERITY: Partial<Record<KpiStatusName, number>> = { on_track: 0, at_risk: 1, off_track: 2 };

interface Child {
  weight: number;
  attainment: number | null;
  status: KpiStatusName;
}

interface Rolled {
  state: ObjectiveState;
  kpis: Set<string>;
  troubled: Set<string>;
}

export interface AlignmentModel {
  objectives: Objective[];
  kpis: KpiDefinition[];
}

/**
 * Every objective's attainment and health, from the KPIs linked to it (by link weight) and
 * its child objectives (weight {@link CHILD_OBJECTIVE_WEIGHT}), per its `rollup` rule.
 * A KPI without a state counts as no_data. Unknown parents and parent loops are ignored
 * (see objectiveTree), so this never loops or throws on a bad model.
 */
export function rollupObjectives(model: AlignmentModel, kpiStates: ReadonlyMap<string, KpiState>): Map<string, ObjectiveState> {
  const tree = objectiveTree(model.objectives);
  const byId = new Map(model.objectives.map((o) => [o.id, o]));
  const direct = directKpiLinks(model.kpis, byId);
  const done = new Map<string, Rolled>();

  // Recursion depth is bounded by the tree's height; the tree has no loops.
  const roll = (id: string): Rolled => {
    const cached = done.get(id);
    if (cached) return cached;
    const kpis = new Set<string>();
    const troubled = new Set<string>();
    const children: Child[] = [];
    for (const { kpi, weight } of direct.get(id) ?? []) {
      const s = kpiStates.get(kpi);
      const status = s?.status ?? 'no_data';
      kpis.add(kpi);
      if (TROUBLE.has(status)) troubled.add(kpi);
      children.push({ weight, attainment: s?.attainment ?? null, status });
    }
    for (const childId of tree.childrenOf.get(id) ?? []) {
      const child = roll(childId);
      for (const k of child.kpis) kpis.add(k);
      for (const k of child.troubled) troubled.add(k);
      children.push({ weight: CHILD_OBJECTIVE_WEIGHT, attainment: child.state.attainment, status: child.state.status });
    }
    const rule = byId.get(id)?.rollup ?? 'weighted_average';
    const attainment = rule === 'weakest' ? weakestAttainment(children) : weightedAttainment(children);
    let status = rule === 'weakest' ? worstStatus(children) : statusFromAttainment(attainment);
    if (status === null) status = children.some((c) => c.status === 'no_target') ? 'no_target' : 'no_data';
    // A KPI in trouble marks every objective above it, whatever the average says.
    if (troubled.size > 0 && !TROUBLE.has(status)) status = 'at_risk';
    const rolled: Rolled = {
      state: { id, attainment, status, troubled: [...troubled].sort(compareIds), kpiCount: kpis.size },
      kpis,
      troubled,
    };
    done.set(id, rolled);
    return rolled;
  };

  const out = new Map<string, ObjectiveState>();
  for (const o of model.objectives) out.set(o.id, roll(o.id).state);
  return out;
}

/** objective id → the KPIs linked to it directly. A KPI linked twice to one objective counts once, at its first link's weight. */
function directKpiLinks(kpis: readonly KpiDefinition[], objectives: ReadonlyMap<string, Objective>) {
  const direct = new Map<string, { kpi: string; weight: number }[]>();
  for (const kpi of kpis) {
    const seen = new Set<string>();
    for (const link of kpiLinks(kpi)) {
      if (seen.has(link.id) || !objectives.has(link.id)) continue;
      seen.add(link.id);
      direct.set(link.id, [...(direct.get(link.id) ?? []), { kpi: kpi.id, weight: link.weight }]);
    }
  }
  return direct;
}

/** Σ w·min(attainment, cap) / Σ w over the children that have an attainment; null if none does. */
export function weightedAttainment(children: readonly Pick<Child, 'weight' | 'attainment'>[]): number | null {
  let sum = 0;
  let weights = 0;
  for (const c of children) {
    if (c.attainment === null || !(c.weight > 0)) continue;
    sum += c.weight * Math.min(c.attainment, ROLLUP_ATTAINMENT_CAP_PERCENT);
    weights += c.weight;
  }
  return weights > 0 ? sum / weights : null;
}

/** The lowest child attainment, uncapped (the weakest child is what the objective is held to); null if none has one. */
export function weakestAttainment(children: readonly Pick<Child, 'attainment'>[]): number | null {
  let min: number | null = null;
  for (const c of children) if (c.attainment !== null && (min === null || c.attainment < min)) min = c.attainment;
  return min;
}

/** on_track / at_risk / off_track by the roll-up thresholds; null without an attainment. */
export function statusFromAttainment(attainment: number | null): KpiStatusName | null {
  if (attainment === null) return null;
  if (attainment >= ROLLUP_ON_TRACK_PERCENT) return 'on_track';
  return attainment >= ROLLUP_AT_RISK_PERCENT ? 'at_risk' : 'off_track';
}

/** The worst of the children's health statuses; null when none has one (all no_data / no_target). */
export function worstStatus(children: readonly Pick<Child, 'status'>[]): KpiStatusName | null {
  let worst: KpiStatusName | null = null;
  for (const c of children) {
    const rank = SEVERITY[c.status];
    if (rank !== undefined && (worst === null || rank > (SEVERITY[worst] ?? -1))) worst = c.status;
  }
  return worst;
}
