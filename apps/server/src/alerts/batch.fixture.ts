import type { Alert } from '@northstar/shared';
import type { NotificationBatch, NotificationEvent } from './notification.ts';
import { makeAlert } from './alerts.fixture.ts';

/** A one-alert batch as the Dispatcher would release it, for the notifier tests. */
export function makeBatch(alert: Partial<Alert> = {}, event: NotificationEvent = 'firing'): NotificationBatch {
  return {
    groupKey: '0|rule=low-revenue',
    route: 0,
    channels: ['ops'],
    status: event === 'resolved' ? 'resolved' : 'firing',
    entries: [{ event, alert: makeAlert(alert) }],
    idempotencyKey: '0123456789abcdef0123456789abcdef',
    at: 1_000,
  };
}
