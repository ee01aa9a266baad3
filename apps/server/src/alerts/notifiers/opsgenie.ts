import type { AlertSeverity } from '@northstar/shared';
import type { NotificationBatch, NotificationEntry } from '../notification.ts';
import { entryLabel, pathOwners, pathText, valueVsThreshold } from './format.ts';
import type { Notifier, NotifyResult } from './notifier.ts';
import { incidentKey, redact, sendEach } from './per-alert.ts';
import { DEFAULT_RETRY_POLICY, postWithRetry, type HttpDeps, type RetryPolicy, type PostRequest } from './retry.ts';

/**
 * Opsgenie Alert API: firing, repeat and flapping create an alert (POST {url}/v2/alerts)
 * with alias = the alert's key, which Opsgenie de-duplicates onto the open alert; resolved
 * closes it by alias (POST {url}/v2/alerts/{alias}/close?identifierType=alias). The API key
 * goes in the Authorization header only, never in a log.
 */

export const OPSGENIE_DEFAULT_URL = 'https://api.opsgenie.com';
/** Opsgenie's limits: alias 512, message 130, description 15 000 characters. */
const MAX_ALIAS = 512;
const MAX_MESSAGE = 130;
const MAX_DESCRIPTION = 15_000;

const PRIORITY: Record<AlertSeverity, 'P1' | 'P3' | 'P5'> = { critical: 'P1', warning: 'P3', info: 'P5' };

export interface OpsgenieCreate {
  message: string;
  alias: string;
  description: string;
  priority: 'P1' | 'P3' | 'P5';
  source: string;
  entity: string;
  tags: string[];
  details: Record<string, string>;
}

export interface OpsgenieClose {
  source: string;
  note: string;
}

export function opsgenieRequest(entry: NotificationEntry, baseUrl: string): { url: string; body: OpsgenieCreate | OpsgenieClose } {
  const a = entry.alert;
  const alias = incidentKey(a, MAX_ALIAS, entry.about);
  const base = baseUrl.replace(/\/+$/, '');
  if (entry.event === 'resolved') {
    return {
      url: `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
      body: { source: 'northstar', note: `Resolved: ${a.kpiName} is back within ${a.ruleName}` },
    };
  }
  return {
    url: `${base}/v2/alerts`,
    body: {
      message: `${a.kpiName}: ${valueVsThreshold(a)}`.slice(0, MAX_MESSAGE),
      alias,
      description: [`${entryLabel(entry)}: ${a.ruleName}`, a.reason, `Objective path: ${pathText(a.path)}`]
        .join('\n')
        .slice(0, MAX_DESCRIPTION),
      priority: PRIORITY[a.severity],
      source: 'northstar',
      entity: a.kpi,
      tags: ['northstar', a.severity, ...(a.flapping ? ['flapping'] : [])],
      details: {
        rule: a.rule,
        kpi: a.kpi,
        series: a.series,
        state: a.state,
        value: a.value === null ? '' : String(a.value),
        threshold: a.threshold === null ? '' : String(a.threshold),
        owners: pathOwners(a.path).join(', '),
      },
    },
  };
}

export interface OpsgenieNotifierOptions {
  apiKey: string;
  /** Default OPSGENIE_DEFAULT_URL; the EU service or a test receiver otherwise. */
  url?: string;
  policy?: RetryPolicy;
  deps?: HttpDeps;
}

export class OpsgenieNotifier implements Notifier {
  readonly channelType = 'opsgenie' as const;
  constructor(private readonly options: OpsgenieNotifierOptions) {}

  async send(batch: NotificationBatch): Promise<NotifyResult> {
    const result = await sendEach(batch, (entry) => {
      const { url, body } = opsgenieRequest(entry, this.options.url ?? OPSGENIE_DEFAULT_URL);
      const req: PostRequest = {
        url,
        body: JSON.stringify(body),
        headers: () => ({
          'content-type': 'application/json',
          'user-agent': 'northstar-alerts/1',
          authorization: `GenieKey ${this.options.apiKey}`,
        }),
      };
      return postWithRetry(req, this.options.policy ?? DEFAULT_RETRY_POLICY, this.options.deps);
    });
    return redact(result, [this.options.apiKey]);
  }
}
