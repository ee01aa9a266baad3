import { createHmac } from 'node:crypto';
import type { AlertSeverity, AlertStateName, PathStep } from '@northstar/shared';
import type { NotificationBatch, NotificationEvent } from '../notification.ts';
import type { Notifier, NotifyResult } from './notifier.ts';
import { DEFAULT_RETRY_POLICY, postWithRetry, type HttpDeps, type RetryPolicy } from './retry.ts';

/**
 * Generic JSON webhook. The receiver verifies `X-Northstar-Signature` (HMAC-SHA256 of
 * the raw body with the channel's secret, hex) and drops duplicates by `Idempotency-Key`
 * (the same on every retry; it is also in the body). `X-Northstar-Timestamp` is the
 * attempt's send time in Unix seconds; it is not covered by the signature, so the body
 * stays byte-identical across retries.
 */

export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookAlert {
  event: NotificationEvent;
  /** What the event is about: the firing episode, or a NoData or Error spell (routes with match.state). */
  about: 'alerting' | 'nodata' | 'error';
  key: string;
  rule: string;
  ruleName: string;
  kpi: string;
  kpiName: string;
  series: string;
  severity: AlertSeverity;
  state: AlertStateName;
  reason: string;
  value: number | null;
  threshold: number | null;
  firingSince: number | null;
  since: number;
  path: PathStep[];
  flapping: boolean;
  acknowledged: { by: string; at: number; comment: string } | null;
  silencedBy: string | null;
}

export interface WebhookPayload {
  version: typeof WEBHOOK_PAYLOAD_VERSION;
  idempotencyKey: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  alerts: WebhookAlert[];
}

export function webhookPayload(batch: NotificationBatch): WebhookPayload {
  return {
    version: WEBHOOK_PAYLOAD_VERSION,
    idempotencyKey: batch.idempotencyKey,
    groupKey: batch.groupKey,
    status: batch.status,
    alerts: batch.entries.map(({ event, alert: a, about }) => ({
      event,
      about: about ?? 'alerting',
      key: a.key,
      rule: a.rule,
      ruleName: a.ruleName,
      kpi: a.kpi,
      kpiName: a.kpiName,
      series: a.series,
      severity: a.severity,
      state: a.state,
      reason: a.reason,
      value: a.value,
      threshold: a.threshold,
      firingSince: a.firingSince,
      since: a.since,
      path: a.path,
      flapping: a.flapping,
      acknowledged: a.acknowledged,
      silencedBy: a.silencedBy,
    })),
  };
}

/** "sha256=<hex>" over the exact bytes sent. */
export function signBody(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

export interface WebhookNotifierOptions {
  url: string;
  secret: string;
  policy?: RetryPolicy;
  deps?: HttpDeps;
}

export class WebhookNotifier implements Notifier {
  readonly channelType = 'webhook' as const;
  constructor(private readonly options: WebhookNotifierOptions) {}

  send(batch: NotificationBatch): Promise<NotifyResult> {
    const body = JSON.stringify(webhookPayload(batch));
    const signature = signBody(body, this.options.secret);
    const now = this.options.deps?.now ?? Date.now;
    return postWithRetry(
      {
        url: this.options.url,
        body,
        headers: () => ({
          'content-type': 'application/json',
          'user-agent': 'northstar-alerts/1',
          'idempotency-key': batch.idempotencyKey,
          'x-northstar-signature': signature,
          'x-northstar-timestamp': String(Math.floor(now() / 1000)),
        }),
      },
      this.options.policy ?? DEFAULT_RETRY_POLICY,
      this.options.deps,
    );
  }
}
