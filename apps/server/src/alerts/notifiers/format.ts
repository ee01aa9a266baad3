import { formatValue, type Alert, type AlertSeverity, type PathStep } from '@northstar/shared';
import type { NotificationBatch, NotificationEntry, NotificationEvent } from '../notification.ts';

/** Words and numbers shared by the Slack and email notifiers. Pure; no escaping here. */

/**
 * A figure as the wall's alert list reads it (packages/shared value-format.ts): a message and
 * the screen it points to never disagree on "1.74k". The alert carries no unit, so none is shown.
 */
function formatNumber(n: number): string {
  return formatValue(n, '');
}

/** "80 vs threshold 100", "80", "no value", or for a pacing rule "1.5k so far, projected 1.74k vs target 2.1k". */
export function valueVsThreshold(alert: Pick<Alert, 'value' | 'threshold' | 'projection'>): string {
  if (alert.value === null) return 'no value';
  const v = formatNumber(alert.value);
  if (alert.projection !== undefined && alert.projection !== null) {
    const target = alert.threshold === null ? '' : ` vs target ${formatNumber(alert.threshold)}`;
    return `${v} so far, projected ${formatNumber(alert.projection)}${target}`;
  }
  return alert.threshold === null ? v : `${v} vs threshold ${formatNumber(alert.threshold)}`;
}

/** "Checkout conversion › Grow online sales (alice) › Company (ceo)": the objectives at risk, and whose. */
export function pathText(path: readonly PathStep[]): string {
  return path.map((s) => (s.owner ? `${s.name} (${s.owner})` : s.name)).join(' › ');
}

/** Everyone on the path, nearest first, once each. */
export function pathOwners(path: readonly PathStep[]): string[] {
  return [...new Set(path.map((s) => s.owner).filter((o): o is string => !!o))];
}

const EVENT_LABEL: Record<NotificationEvent, string> = {
  firing: 'Firing',
  resolved: 'Resolved',
  flapping: 'Flapping',
  repeat: 'Still firing',
};

export function eventLabel(event: NotificationEvent): string {
  return EVENT_LABEL[event];
}

/** The event as a person reads it: a NoData or Error spell says so, not "Firing". */
export function entryLabel(entry: Pick<NotificationEntry, 'event' | 'about'>): string {
  if (entry.about === 'nodata') return entry.event === 'resolved' ? 'Data back' : 'No data';
  if (entry.about === 'error') return entry.event === 'resolved' ? 'Evaluating again' : 'Rule error';
  return eventLabel(entry.event);
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** The most severe severity in the batch. */
export function batchSeverity(batch: Pick<NotificationBatch, 'entries'>): AlertSeverity {
  let worst: AlertSeverity = 'info';
  for (const e of batch.entries) if (SEVERITY_RANK[e.alert.severity] < SEVERITY_RANK[worst]) worst = e.alert.severity;
  return worst;
}

/** "[CRITICAL] Firing: Revenue" or "[WARNING] 3 alerts: Revenue, Orders, Signups". */
export function batchTitle(batch: Pick<NotificationBatch, 'entries'>): string {
  const sev = `[${batchSeverity(batch).toUpperCase()}]`;
  const [first] = batch.entries;
  if (batch.entries.length === 1 && first) return `${sev} ${entryLabel(first)}: ${first.alert.kpiName}`;
  const names = [...new Set(batch.entries.map((e) => e.alert.kpiName))];
  const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ', …' : '');
  return `${sev} ${batch.entries.length} alerts: ${shown}`;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Everything user-written (KPI, objective, owner names, reasons) goes through this before HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * What a chat message shows of its batch's idempotency key: its first eight characters, so
 * people can tell two copies of one message from two messages (channels that cannot be read
 * back, incoming webhooks, may show a re-send twice).
 */
export function shortRef(idempotencyKey: string): string {
  return `ref ${idempotencyKey.slice(0, 8)}`;
}

/** The line of a re-send whose earlier try has no outcome (alerts/send-record.ts): it may be the second copy. */
export function resendNote(idempotencyKey: string): string {
  return `Re-sent after a fail-over or a lost answer; it may repeat ${shortRef(idempotencyKey)}`;
}
