import { createHash } from 'node:crypto';
import type { NotificationEntry } from './notification.ts';

/**
 * Idempotency keys for notifications (issue 17.2). A key depends only on what is being
 * told, never on which instance tells it or when it happens to be released, so a retried
 * send, a re-send after a restart and the same transition sent by a second instance all
 * carry the same key: a receiver (and our own sent-record, store/alert-repo.ts) can drop
 * the second copy.
 */

/**
 * When the told transition happened: the episode's start for a firing (Recovering →
 * Alerting is the same episode, the same key), the state change for a resolve or a flap.
 * A repeat is a deliberate re-send, so its own release time tells it apart from the last.
 */
export function transitionTime(entry: NotificationEntry, releasedAtMs: number): number {
  const a = entry.alert;
  if (entry.event === 'repeat') return releasedAtMs;
  if (entry.event === 'firing') return a.firingSince ?? a.since;
  return a.since;
}

const digest = (parts: unknown): string => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

/** One alert transition: rule, KPI, series, what is told (and about which state), and when it happened. */
export function entryIdempotencyKey(entry: NotificationEntry, releasedAtMs: number): string {
  const a = entry.alert;
  return digest([a.rule, a.kpi, a.series, entry.event, entry.about ?? 'alerting', transitionTime(entry, releasedAtMs)]);
}

/**
 * A batch: its group and the keys of its entries, in a fixed order, so the same entries
 * grouped the same way give the same key whatever order they were queued in.
 */
export function batchIdempotencyKey(groupKey: string, entries: readonly NotificationEntry[], releasedAtMs: number): string {
  return digest([groupKey, entries.map((e) => entryIdempotencyKey(e, releasedAtMs)).sort()]);
}
