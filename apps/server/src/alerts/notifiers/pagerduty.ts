import type { AlertSeverity } from '@northstar/shared';
import type { NotificationBatch, NotificationEntry } from '../notification.ts';
import { entryLabel, pathOwners, pathText, valueVsThreshold } from './format.ts';
import type { Notifier, NotifyResult } from './notifier.ts';
import { incidentKey, redact, sendEach } from './per-alert.ts';
import { DEFAULT_RETRY_POLICY, postWithRetry, type HttpDeps, type RetryPolicy } from './retry.ts';

/**
 * PagerDuty Events API v2 (POST {url}/v2/enqueue): one event per alert. firing, repeat and
 * flapping trigger with dedup_key = the alert's key, so PagerDuty folds a re-fire into the
 * open incident; resolved resolves that incident. The routing key is the integration's
 * secret: it is in the body only, never in a log.
 */

export const PAGERDUTY_DEFAULT_URL = 'https://events.pagerduty.com';
/** PagerDuty's limits: dedup_key 255 characters, summary 1024. */
const MAX_DEDUP_KEY = 255;
const MAX_SUMMARY = 1024;

const SEVERITY: Record<AlertSeverity, 'critical' | 'warning' | 'info'> = { critical: 'critical', warning: 'warning', info: 'info' };

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  client: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
}

export function pagerDutyEvent(entry: NotificationEntry, routingKey: string): PagerDutyEvent {
  const a = entry.alert;
  const dedupKey = incidentKey(a, MAX_DEDUP_KEY, entry.about);
  if (entry.event === 'resolved') return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey, client: 'Northstar' };
  const objective = a.path.find((s) => s.kind === 'objective');
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    client: 'Northstar',
    payload: {
      summary: `${a.kpiName}: ${a.ruleName}: ${valueVsThreshold(a)}`.slice(0, MAX_SUMMARY),
      source: 'northstar',
      severity: SEVERITY[a.severity],
      timestamp: new Date(a.firingSince ?? a.since).toISOString(),
      component: a.kpi,
      group: objective?.id ?? '',
      class: a.rule,
      custom_details: {
        event: entryLabel(entry),
        reason: a.reason,
        value: a.value,
        threshold: a.threshold,
        series: a.series,
        state: a.state,
        flapping: a.flapping,
        objective_path: pathText(a.path),
        owners: pathOwners(a.path),
      },
    },
  };
}

export interface PagerDutyNotifierOptions {
  routingKey: string;
  /** Default PAGERDUTY_DEFAULT_URL; the EU service or a test receiver otherwise. */
  url?: string;
  policy?: RetryPolicy;
  deps?: HttpDeps;
}

export class PagerDutyNotifier implements Notifier {
  readonly channelType = 'pagerduty' as const;
  constructor(private readonly options: PagerDutyNotifierOptions) {}

  async send(batch: NotificationBatch): Promise<NotifyResult> {
    const url = `${(this.options.url ?? PAGERDUTY_DEFAULT_URL).replace(/\/+$/, '')}/v2/enqueue`;
    const result = await sendEach(batch, (entry) =>
      postWithRetry(
        {
          url,
          body: JSON.stringify(pagerDutyEvent(entry, this.options.routingKey)),
          headers: () => ({ 'content-type': 'application/json', 'user-agent': 'northstar-alerts/1' }),
        },
        this.options.policy ?? DEFAULT_RETRY_POLICY,
        this.options.deps,
      ),
    );
    return redact(result, [this.options.routingKey]);
  }
}
