import type { KpiState, Milestone, ObjectiveState } from '@northstar/shared';
import { utcQuarter } from './calendar.ts';

/** Attainment at which a KPI has met its target and an objective is complete. */
export const MILESTONE_ATTAINMENT_PERCENT = 100;

export type ObservedKpi = KpiState & { name: string };
/** An objective's state; `period` is the objective's own, when it has one. */
export type ObservedObjective = ObjectiveState & { name: string; period?: string };

/**
 * Remembers which milestones were reached, so each (kind, id, period) is celebrated once:
 * the first tick in a period at which a KPI is on track at ≥ 100 % of target, or an
 * objective's attainment reaches 100 %. A KPI or objective without a period is judged per
 * calendar quarter of `nowMs` (UTC), so it can be celebrated again next quarter.
 * `seed` with the stored milestones after a restart, or the wall celebrates twice.
 * Memory grows by one key per milestone: a few per KPI per quarter.
 */
export class MilestoneTracker {
  readonly #reached = new Set<string>();

  seed(milestones: Iterable<Pick<Milestone, 'kind' | 'id' | 'period'>>): void {
    for (const m of milestones) this.#reached.add(key(m.kind, m.id, m.period));
  }

  /** The milestones newly reached at `nowMs`: KPIs first, then objectives, each in input order. */
  observe(kpiStates: Iterable<ObservedKpi>, objectiveStates: Iterable<ObservedObjective>, nowMs: number): Milestone[] {
    const out: Milestone[] = [];
    for (const s of kpiStates) {
      // A KPI at 100 % that its thresholds still call at risk (a paced target) has not met it.
      if (s.status !== 'on_track' || !reached(s.attainment) || s.value === null) continue;
      this.#record(out, { kind: 'kpi', id: s.id, name: s.name, period: s.period ?? utcQuarter(nowMs), value: s.value, reachedAt: nowMs });
    }
    for (const s of objectiveStates) {
      if (!reached(s.attainment)) continue;
      // An objective's value is its attainment in percent: it has no unit of its own.
      const period = s.period ?? utcQuarter(nowMs);
      this.#record(out, { kind: 'objective', id: s.id, name: s.name, period, value: s.attainment as number, reachedAt: nowMs });
    }
    return out;
  }

  #record(out: Milestone[], m: Milestone): void {
    const k = key(m.kind, m.id, m.period);
    if (this.#reached.has(k)) return;
    this.#reached.add(k);
    out.push(m);
  }
}

function reached(attainment: number | null): boolean {
  return attainment !== null && attainment >= MILESTONE_ATTAINMENT_PERCENT;
}

/** NUL cannot occur in ids or periods, so keys cannot collide. */
function key(kind: Milestone['kind'], id: string, period: string): string {
  return `${kind}\u0000${id}\u0000${period}`;
}
