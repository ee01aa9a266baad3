import type { Alert } from '@northstar/shared';

/**
 * What the Dispatcher hands to notifiers: batches of alert events for one group of one
 * route, to a list of channels.
 */

/**
 * - firing: an episode started (once per episode; Recovering → Alerting is the same one)
 * - resolved: an episode that was notified ended
 * - flapping: the alert started flapping; its events are held until it is stable again
 * - repeat: still firing, unacknowledged and unsilenced after the route's repeat interval
 */
export type NotificationEvent = 'firing' | 'resolved' | 'flapping' | 'repeat';

/**
 * What an entry is about: the rule's firing episode (alerting, the default), or a spell of
 * NoData or Error, which only routes that ask for that state (`match.state`) hear about:
 * `firing` when the spell starts, `resolved` when it ends.
 */
export { ROUTED_STATES, type RoutedState } from '@northstar/shared';
import type { RoutedState } from '@northstar/shared';

export interface NotificationEntry {
  event: NotificationEvent;
  /** Absent: alerting. */
  about?: Exclude<RoutedState, 'alerting'>;
  /** The alert as it is when the batch goes out. */
  alert: Alert;
}

export interface NotificationBatch {
  /** Route index and grouping labels: "0|rule=revenue-low". */
  groupKey: string;
  route: number;
  channels: string[];
  /** firing when any entry is firing, repeat or flapping; else resolved. */
  status: 'firing' | 'resolved';
  entries: NotificationEntry[];
  /** Stable for this batch: every channel and every retry send the same key. */
  idempotencyKey: string;
  /** Epoch ms the batch was released. */
  at: number;
}

export function batchStatus(entries: readonly NotificationEntry[]): 'firing' | 'resolved' {
  return entries.some((e) => e.event !== 'resolved') ? 'firing' : 'resolved';
}
