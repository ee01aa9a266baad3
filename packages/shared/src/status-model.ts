import type { Alert, AlertSeverity, AlertStateName } from './alerts.ts';
import type { KpiStatusName, RollupRule } from './kpi.ts';

/**
 * The one status model every screen and the API use: how a KPI's measured status and its
 * firing alerts combine into the status it is shown with, and how an objective's status
 * follows from its children. Pure; the server rolls objectives up with it, the wall, TV,
 * tree, header, toasts and alerts panel read KPIs through it, so no two of them can
 * disagree about the same KPI at the same moment.
 */

/** How bad a status is for health; higher is worse. no_target and no_data say nothing about health. */
export const STATUS_RANK: Readonly<Record<KpiStatusName, number>> = { on_track: 0, no_target: 1, no_data: 2, at_risk: 3, off_track: 4 };

export const STATUS_WORDS: Readonly<Record<KpiStatusName, string>> = {
  on_track: 'on track',
  at_risk: 'at risk',
  off_track: 'off track',
  no_data: 'no data',
  no_target: 'no target',
};

/** Alerting and Recovering: the alert has fired and is not over. */
export const FIRING_STATES: ReadonlySet<AlertStateName> = new Set<AlertStateName>(['alerting', 'recovering']);

export function isAlertFiring(alert: Pick<Alert, 'state'>): boolean {
  return FIRING_STATES.has(alert.state);
}

export type AlertOnKpi = Pick<Alert, 'kpi' | 'state' | 'severity' | 'ruleName'>;

export interface KpiHealth {
  /** The status every screen shows for the KPI. */
  status: KpiStatusName;
  /** The status of its value against its thresholds alone (KpiState.status). */
  measured: KpiStatusName;
  /** Rule names of the alerts firing on it now, most severe first. */
  firing: string[];
  /**
   * Rule names of the alerts pending on it (the condition holds, not yet long enough to
   * fire): screens say so beside an unchanged status, so "will miss today's target" is never
   * pending unseen under "On track".
   */
  pending: string[];
  /** The most severe firing alert's severity; null when none fires. */
  severity: AlertSeverity | null;
  /** Why `status` is not `measured` ("alert firing: Revenue will miss today's target"); null when they agree. */
  reason: string | null;
}

const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = { critical: 2, warning: 1, info: 0 };

/**
 * A KPI's shown status. A firing warning or critical alert means someone decided this KPI
 * is in trouble (a pacing rule saying the period target will be missed, a threshold a
 * team cares about): a KPI the thresholds call on track (or without a target) is then
 * shown at risk, with the rule as the reason. It never makes a KPI look better, an info
 * alert only marks the tile, and a KPI without data stays "no data": there is nothing
 * to be on or off track with.
 */
export function kpiHealth(measured: KpiStatusName, kpiId: string, alerts: Iterable<AlertOnKpi>): KpiHealth {
  const all = [...alerts].filter((a) => a.kpi === kpiId);
  const pending = [...new Set(all.filter((a) => a.state === 'pending').map((a) => a.ruleName))].sort();
  const mine = all.filter(isAlertFiring);
  mine.sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || a.ruleName.localeCompare(b.ruleName));
  const firing = [...new Set(mine.map((a) => a.ruleName))];
  const severity = mine[0]?.severity ?? null;
  const serious = mine.filter((a) => a.severity !== 'info');
  let status = measured;
  let reason: string | null = null;
  if (serious.length > 0 && (measured === 'on_track' || measured === 'no_target')) {
    status = 'at_risk';
    reason = `alert firing: ${serious.map((a) => a.ruleName).join(', ')}`;
  }
  return { status, measured, firing, pending, severity, reason };
}

/** KPI id → its health, for every KPI in `statuses`, given all alerts known. */
export function kpiHealthMap(statuses: Iterable<[string, KpiStatusName]>, alerts: Iterable<AlertOnKpi>): Map<string, KpiHealth> {
  // grouped first: a wall of thousands of KPIs and as many alerts stays linear
  const byKpi = new Map<string, AlertOnKpi[]>();
  for (const a of alerts) {
    if (!isAlertFiring(a) && a.state !== 'pending') continue;
    const list = byKpi.get(a.kpi);
    if (list) list.push(a);
    else byKpi.set(a.kpi, [a]);
  }
  const out = new Map<string, KpiHealth>();
  for (const [id, status] of statuses) out.set(id, kpiHealth(status, id, byKpi.get(id) ?? []));
  return out;
}

export function isTroubled(status: KpiStatusName): boolean {
  return status === 'at_risk' || status === 'off_track';
}

export interface RollupChild {
  name: string;
  status: KpiStatusName;
}

export interface ObjectiveHealth {
  status: KpiStatusName;
  /** Why the objective shows this status, next to its figure ("weighted 64 %: Checkout errors at risk"); null when all is well. */
  reason: string | null;
}

/** Percent as the wall prints it in a reason: whole numbers, a space before "%". */
function pct(attainment: number): string {
  return `${Math.round(attainment)} %`;
}

/** Below this weighted attainment an on-track objective says why it is still on track. */
export const ROLLUP_EXPLAIN_BELOW_PERCENT = 90;

/**
 * An objective's status: the worst health among its KPIs and child objectives, whatever its
 * roll-up rule, so it is never shown worse (or better) than what is under it. The rule only
 * decides its attainment figure (weighted average or weakest child), and the reason names
 * the rule, the figure and the children that set the status. Without any child on, at or
 * off track it is no_target when a child has no target, else no_data.
 */
export function objectiveHealth(rule: RollupRule, attainment: number | null, children: readonly RollupChild[]): ObjectiveHealth {
  let worst: KpiStatusName | null = null;
  for (const c of children) {
    if (c.status !== 'on_track' && !isTroubled(c.status)) continue;
    if (worst === null || STATUS_RANK[c.status] > STATUS_RANK[worst]) worst = c.status;
  }
  if (worst === null) return { status: children.some((c) => c.status === 'no_target') ? 'no_target' : 'no_data', reason: null };
  const figure = attainment === null ? '' : ` ${pct(attainment)}`;
  const head = rule === 'weakest' ? `weakest rule${figure}` : `weighted${figure}`;
  if (worst === 'on_track') {
    const low = rule === 'weighted_average' && attainment !== null && attainment < ROLLUP_EXPLAIN_BELOW_PERCENT;
    return { status: worst, reason: low ? `${head}: every KPI on track against its own thresholds` : null };
  }
  const names = children.filter((c) => c.status === worst).map((c) => c.name);
  const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
  return { status: worst, reason: `${head}: ${shown} ${STATUS_WORDS[worst]}` };
}
