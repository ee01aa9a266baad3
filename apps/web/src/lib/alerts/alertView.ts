import type { Alert, AlertSeverity, AlertStateName, PathStep, SilenceInput } from '@northstar/shared';
import { formatValue } from '../format.ts';

/** The states in which an alert is firing: it marks its tile and the objectives above it. */
const FIRING: ReadonlySet<AlertStateName> = new Set<AlertStateName>(['alerting', 'recovering']);

export function isFiring(alert: Pick<Alert, 'state'>): boolean {
  return FIRING.has(alert.state);
}

/**
 * Whether the alerts panel lists it: anything not back to normal, and a flapping alert even
 * between its episodes, so it stays one row marked "flapping" instead of coming and going.
 */
export function isListed(alert: Pick<Alert, 'state' | 'flapping'>): boolean {
  return alert.state !== 'normal' || alert.flapping;
}

/** When the alert's current episode began: firing since, else its last change (pending, no data). */
export function startedAt(alert: Pick<Alert, 'firingSince' | 'since'>): number {
  return alert.firingSince ?? alert.since;
}

/**
 * The panel's rows: one per alert key (the newest state wins when a key repeats), only those
 * listed, newest episode first. A flapping alert's episode start moves as it re-fires, but it
 * keeps its one row.
 */
export function alertRows(alerts: Iterable<Alert>): Alert[] {
  const byKey = new Map<string, Alert>();
  for (const a of alerts) {
    const seen = byKey.get(a.key);
    if (seen === undefined || a.since >= seen.since) byKey.set(a.key, a);
  }
  return [...byKey.values()].filter(isListed).sort((a, b) => startedAt(b) - startedAt(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** How many alerts are firing now (the header's count). */
export function firingCount(alerts: Iterable<Alert>): number {
  let n = 0;
  for (const a of alerts) if (isFiring(a)) n++;
  return n;
}

/** KPI ids with a firing alert: their tiles are marked. */
export function alertingKpis(alerts: Iterable<Alert>): Set<string> {
  const ids = new Set<string>();
  for (const a of alerts) if (isFiring(a)) ids.add(a.kpi);
  return ids;
}

/**
 * The objectives at risk: every objective on a firing alert's path, with the names of the
 * alerting KPIs below it (for the mark's title), in the order the alerts came.
 */
export function objectivesAtRisk(alerts: Iterable<Alert>): Map<string, string[]> {
  const byObjective = new Map<string, string[]>();
  for (const a of alerts) {
    if (!isFiring(a)) continue;
    for (const step of a.path) {
      if (step.kind !== 'objective') continue;
      const names = byObjective.get(step.id) ?? [];
      if (!names.includes(a.kpiName)) names.push(a.kpiName);
      byObjective.set(step.id, names);
    }
  }
  return byObjective;
}

/** "API latency › Keep the platform fast and up › Run a platform…": the KPI and the objectives above it. */
export function formatPath(path: readonly PathStep[]): string {
  return path.map((s) => s.name).join(' › ');
}

/** The people to call, nearest the KPI first, each once. */
export function pathOwners(path: readonly PathStep[]): string[] {
  const owners: string[] = [];
  for (const step of path) if (step.owner && !owners.includes(step.owner)) owners.push(step.owner);
  return owners;
}

export const SEVERITY_LABELS: Readonly<Record<AlertSeverity, string>> = { critical: 'Critical', warning: 'Warning', info: 'Info' };

export const ALERT_STATE_LABELS: Readonly<Record<AlertStateName, string>> = {
  normal: 'resolved',
  pending: 'pending',
  alerting: 'firing',
  recovering: 'recovering',
  nodata: 'no data',
  error: 'error',
};

/**
 * The alert's figures in words that say what each number is: "value 12 errors · threshold
 * 10 errors", or for a pacing rule "value €1.5M · projected €1.74M by period end · target
 * €2.1M". A projection is never shown as a value.
 */
export function valueVsThreshold(alert: Pick<Alert, 'value' | 'threshold' | 'projection'>, unit: string): string {
  const parts = [`value ${formatValue(alert.value, unit)}`];
  const projected = alert.projection !== undefined && alert.projection !== null;
  if (projected) parts.push(`projected ${formatValue(alert.projection, unit)} by period end`);
  if (alert.threshold !== null) parts.push(`${projected ? 'target' : 'threshold'} ${formatValue(alert.threshold, unit)}`);
  return parts.join(' · ');
}

/**
 * Whether this newest state of an alert is news: it is firing now and was not before (or was
 * unknown). A flapping alert re-firing is not news, and neither is a silenced one.
 */
export function isNewlyFiring(before: Pick<Alert, 'state'> | undefined, after: Alert): boolean {
  if (after.state !== 'alerting' || after.flapping || after.silencedBy !== null) return false;
  return before === undefined || !isFiring(before);
}

/** What a screen reader hears, and a toast says, for a newly firing alert. */
export function announcement(alert: Alert, unit: string): string {
  const objectives = alert.path.filter((s) => s.kind === 'objective').map((s) => s.name);
  // Where the KPI sits, not a verdict on the objective: its status is the one its header shows (the status model's).
  const risk = objectives.length > 0 ? ` Under objective: ${objectives[0]}.` : '';
  return `${SEVERITY_LABELS[alert.severity]} alert: ${alert.kpiName} ${valueVsThreshold(alert, unit)} (${alert.ruleName}).${risk}`;
}

/** Silence choices offered on a row, in hours. */
export const SILENCE_HOURS = [1, 4, 24] as const;

/** The silence for one row's "silence for N h": this rule on this KPI, until now + N h. */
export function silenceFor(alert: Pick<Alert, 'rule' | 'kpi' | 'kpiName'>, hours: number, nowMs: number, by: string): SilenceInput {
  return {
    matchers: [
      { field: 'rule', value: alert.rule },
      { field: 'kpi', value: alert.kpi },
    ],
    endsAt: nowMs + hours * 3_600_000,
    comment: `Silenced ${hours} h from the wall${by ? ` by ${by}` : ''} (${alert.kpiName})`,
  };
}
