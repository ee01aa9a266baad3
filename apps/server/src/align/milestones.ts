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
 * objective's attainment reaches 100 %, after a tick in that period that saw it below 100 %.
 * Only a crossing counts: what is already past its target when first seen (an objective
 * created over KPIs that met theirs, a server starting mid-period) is not news. A KPI or objective without a period is judged per
 * calendar quarter of `nowMs` (UTC), so it can be celebrated again next quarter.
 * `seed` with the stored milestones after a restart, or the wall celebrates twice.
 * Memory grows by one key per milestone: a few per KPI per quarter.
 */
export class MilestoneTracker {
  readonly #reached = new Set<string>();
  /** Keys seen below 100 % (a known attainment) in their period: only these can cross. */
  readonly #below = new Set<string>();

  seed(milestones: Iterable<Pick<Milestone, 'kind' | 'id' | 'period'>>): void {
    for (const m of milestones) this.#reached.add(key(m.kind, m.id, m.period));
  }

  /** The milestones newly reached at `nowMs`: KPIs first, then objectives, each in input order. */
  observe(kpiStates: Iterable<ObservedKpi>, objectiveStates: Iterable<ObservedObjective>, nowMs: number): Milestone[] {
    const out: Milestone[] = [];
    for (const s of kpiStates) {
      const period = s.period ?? utcQuarter(nowMs);
      // A KPI at 100 % that its thresholds still call at risk (a paced target) has not met it.
      const met = s.status === 'on_track' && reached(s.attainment) && s.value !== null;
      if (!met) this.#noteBelow('kpi', s.id, period, s.attainment);
      else this.#record(out, { kind: 'kpi', id: s.id, name: s.name, period, value: s.value as number, reachedAt: nowMs });
    }
    for (const s of objectiveStates) {
      const period = s.period ?? utcQuarter(nowMs);
      if (!reached(s.attainment)) this.#noteBelow('objective', s.id, period, s.attainment);
      // An objective's value is its attainment in percent: it has no unit of its own.
      else this.#record(out, { kind: 'objective', id: s.id, name: s.name, period, value: s.attainment as number, reachedAt: nowMs });
    }
    return out;
  }

  /** A known attainment under target (not "no data": a value still loading is not below anything). */
  #noteBelow(kind: Milestone['kind'], id: string, period: string, attainment: number | null): void {
    if (attainment !== null) this.#below.add(key(kind, id, period));
  }

  #record(out: Milestone[], m: Milestone): void {
    const k = key(m.kind, m.id, m.period);
    if (this.#reached.has(k)) return;
    this.#reached.add(k);
    // first seen already there: remembered (so it never fires later this period), not celebrated
    if (this.#below.delete(k)) out.push(m);
  }
}

function reached(attainment: number | null): boolean {
  return attainment !== null && attainment >= MILESTONE_ATTAINMENT_PERCENT;
}

/** NUL cannot occur in ids or periods, so keys cannot collide. */
function key(kind: Milestone['kind'], id: string, period: string): string {
  return `${kind}\u0000${id}\u0000${period}`;
}
