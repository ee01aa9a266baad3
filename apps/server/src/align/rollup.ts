import {
  isTroubled,
  kpiLinks,
  objectiveHealth,
  type KpiDefinition,
  type KpiHealth,
  type KpiState,
  type KpiStatusName,
  type Objective,
  type ObjectiveState,
} from '@northstar/shared';
import { compareIds, objectiveTree } from './objective-tree.ts';

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

interface Child {
  name: string;
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
 * A KPI counts with its health from the status model (`health`: its measured status and the
 * alerts firing on it; its measured status when absent); the objective's status, and the
 * reason, follow the status model's objectiveHealth.
 * A KPI without a state counts as no_data. Unknown parents and parent loops are ignored
 * (see objectiveTree), so this never loops or throws on a bad model.
 */
export function rollupObjectives(
  model: AlignmentModel,
  kpiStates: ReadonlyMap<string, KpiState>,
  health: ReadonlyMap<string, KpiHealth> = new Map(),
): Map<string, ObjectiveState> {
  const tree = objectiveTree(model.objectives);
  const byId = new Map(model.objectives.map((o) => [o.id, o]));
  const direct = directKpiLinks(model.kpis, byId);
  const kpiNames = new Map(model.kpis.map((k) => [k.id, k.name]));
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
      const status = health.get(kpi)?.status ?? s?.status ?? 'no_data';
      kpis.add(kpi);
      if (isTroubled(status)) troubled.add(kpi);
      children.push({ name: kpiNames.get(kpi) ?? kpi, weight, attainment: s?.attainment ?? null, status });
    }
    for (const childId of tree.childrenOf.get(id) ?? []) {
      const child = roll(childId);
      for (const k of child.kpis) kpis.add(k);
      for (const k of child.troubled) troubled.add(k);
      children.push({
        name: byId.get(childId)?.name ?? childId,
        weight: CHILD_OBJECTIVE_WEIGHT,
        attainment: child.state.attainment,
        status: child.state.status,
      });
    }
    const rule = byId.get(id)?.rollup ?? 'weighted_average';
    const attainment = rule === 'weakest' ? weakestAttainment(children) : weightedAttainment(children);
    const { status, reason } = objectiveHealth(rule, attainment, children);
    const rolled: Rolled = {
      state: { id, attainment, status, troubled: [...troubled].sort(compareIds), kpiCount: kpis.size, reason },
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
