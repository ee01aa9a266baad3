import type { NotificationBatch } from '../notification.ts';

/** What every notifier reports: never throws for a failed delivery. */
export interface NotifyResult {
  ok: boolean;
  /** Deliveries tried (1 when the first one succeeded). */
  attempts: number;
  /** The last HTTP status, when there was a response. */
  status?: number;
  error?: string;
}

export interface Notifier {
  send(batch: NotificationBatch): Promise<NotifyResult>;
  close?(): Promise<void> | void;
}
