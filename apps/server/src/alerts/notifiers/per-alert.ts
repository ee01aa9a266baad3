import { createHash } from 'node:crypto';
import type { Alert } from '@northstar/shared';
import type { NotificationBatch, NotificationEntry } from '../notification.ts';
import type { NotifyResult } from './notifier.ts';

/**
 * For on-call tools that keep one incident per alert (PagerDuty, Opsgenie): a batch is sent
 * as one request per entry, in order, and reported as one result.
 */

/**
 * The incident's identity in the on-call tool: the alert's own key (rule/KPI/series), so a
 * re-fire or a repeat updates the open incident and a resolve closes it. Hashed when longer
 * than the tool allows.
 */
export function incidentKey(alert: Pick<Alert, 'key'>, maxLength: number, about?: NotificationEntry['about']): string {
  // a NoData or Error spell is an incident of its own: its resolve must not close the firing one
  const prefix = about ? `northstar/${about}/` : 'northstar/';
  const key = `${prefix}${alert.key}`;
  return key.length <= maxLength ? key : `${prefix}${createHash('sha256').update(alert.key).digest('hex')}`;
}

/** Every entry sent; ok only when all were delivered; the first failure's error kept. */
export async function sendEach(batch: NotificationBatch, send: (entry: NotificationEntry) => Promise<NotifyResult>): Promise<NotifyResult> {
  let attempts = 0;
  let failed: NotifyResult | undefined;
  let last: NotifyResult | undefined;
  for (const entry of batch.entries) {
    last = await send(entry);
    attempts += last.attempts;
    if (!last.ok) failed ??= last;
  }
  const status = (failed ?? last)?.status;
  return {
    ok: failed === undefined,
    attempts,
    ...(status !== undefined ? { status } : {}),
    ...(failed?.error !== undefined ? { error: failed.error } : {}),
  };
}

/** Keys and tokens must not reach the logs, even when a receiver echoes them back in an error. */
export function redact(result: NotifyResult, secrets: readonly string[]): NotifyResult {
  if (result.error === undefined) return result;
  let error = result.error;
  for (const s of secrets) if (s.length >= 4) error = error.split(s).join('[redacted]');
  return { ...result, error };
}
