import type { ChannelType } from '@northstar/shared';
import type { NotificationBatch } from '../notification.ts';

/** What every notifier reports: never throws for a failed delivery. */
export interface NotifyResult {
  ok: boolean;
  /** Deliveries tried (1 when the first one succeeded; 0 when the channel already showed it). */
  attempts: number;
  /** The last HTTP status, when there was a response. */
  status?: number;
  error?: string;
  /** The channel was read back and already shows this batch (an uncertain send): nothing was sent. */
  alreadyShown?: boolean;
}

/** What the sender knows of earlier tries of this batch on this channel (alerts/send-record.ts). */
export interface SendContext {
  /**
   * Set when an earlier try has no outcome (its sender died after asking): the channel may
   * already show the batch. Epoch ms of the earliest such try. A channel that can be read
   * back looks for it; one that cannot marks its message as a possible repeat.
   */
  uncertainSinceMs?: number;
}

export interface Notifier {
  /** The channel's type, for metrics that count by type. */
  readonly channelType?: ChannelType;
  send(batch: NotificationBatch, context?: SendContext): Promise<NotifyResult>;
  close?(): Promise<void> | void;
}
