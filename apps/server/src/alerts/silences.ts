import type { Alert, AlertSeverity, Silence } from '@northstar/shared';

/**
 * Silences: "don't tell me about alerts matching these, until then". Pure. A silence
 * is active in [startsAt, endsAt); all its matchers must match; a matcher on a field
 * with several values (the objectives and owners up the alert's path) matches when
 * any of them equals the matcher's value. Values compare exactly.
 */

export interface AlertLabels {
  rule: string;
  kpi: string;
  /** Every objective on the path up the alignment tree, nearest first. */
  objective: string[];
  severity: AlertSeverity;
  /** The KPI's owner and every objective owner on the path. */
  owner: string[];
}

/** The labels silences and routes match on, read from the alert and its path. */
export function alertLabels(alert: Pick<Alert, 'rule' | 'kpi' | 'severity' | 'path'>): AlertLabels {
  const objective = alert.path.filter((s) => s.kind === 'objective').map((s) => s.id);
  const owner = [...new Set(alert.path.map((s) => s.owner).filter((o): o is string => o !== undefined && o !== ''))];
  return { rule: alert.rule, kpi: alert.kpi, objective, severity: alert.severity, owner };
}

export function isSilenceActive(silence: Pick<Silence, 'startsAt' | 'endsAt'>, nowMs: number): boolean {
  return nowMs >= silence.startsAt && nowMs < silence.endsAt;
}

export function silenceMatches(silence: Pick<Silence, 'matchers'>, labels: AlertLabels): boolean {
  // An empty matcher list would silence everything; the input schema refuses one, and so does this.
  if (silence.matchers.length === 0) return false;
  return silence.matchers.every((m) => {
    const have = labels[m.field];
    return Array.isArray(have) ? have.includes(m.value) : have === m.value;
  });
}

/** The first active silence matching the alert, or null: its id goes in `Alert.silencedBy`. */
export function activeSilence(labels: AlertLabels, silences: readonly Silence[], nowMs: number): Silence | null {
  return silences.find((s) => isSilenceActive(s, nowMs) && silenceMatches(s, labels)) ?? null;
}

export function isSilenced(labels: AlertLabels, silences: readonly Silence[], nowMs: number): boolean {
  return activeSilence(labels, silences, nowMs) !== null;
}
