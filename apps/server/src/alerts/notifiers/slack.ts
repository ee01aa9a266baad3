import type { Alert } from '@northstar/shared';
import type { NotificationBatch, NotificationEntry } from '../notification.ts';
import { batchTitle, entryLabel, pathOwners, pathText, resendNote, shortRef, valueVsThreshold } from './format.ts';
import type { Notifier, NotifyResult, SendContext } from './notifier.ts';
import { DEFAULT_RETRY_POLICY, postWithRetry, type HttpDeps, type RetryPolicy } from './retry.ts';

/**
 * Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat take `{ text, blocks }`):
 * `text` is the fallback for notifications, `blocks` the message. Names are user data,
 * so &, < and > are escaped as Slack asks (otherwise "<!channel>" in a KPI name pings everyone).
 */

/** Slack caps a message at 50 blocks; ten alerts stay readable, the rest are counted. */
export const SLACK_MAX_ALERTS = 10;

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackBlock {
  type: 'section' | 'context' | 'divider';
  text?: { type: 'mrkdwn' | 'plain_text'; text: string };
  elements?: { type: 'mrkdwn'; text: string }[];
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

function alertLines(entry: NotificationEntry, a: Alert): string {
  const owners = pathOwners(a.path);
  return [
    `*${escapeSlack(a.kpiName)}*: ${entryLabel(entry).toLowerCase()}, ${escapeSlack(valueVsThreshold(a))} (${a.severity})`,
    `_${escapeSlack(a.reason)}_`,
    `Objective path: ${escapeSlack(pathText(a.path))}`,
    ...(owners.length > 0 ? [`Owners: ${escapeSlack(owners.join(', '))}`] : []),
    ...(a.acknowledged ? [`Acknowledged by ${escapeSlack(a.acknowledged.by)}`] : []),
  ].join('\n');
}

/**
 * The message: its title, a re-send's note when an earlier try has no outcome (the channel
 * may already show it), the alerts, and the batch's short reference last.
 */
export function slackMessage(batch: NotificationBatch, context: SendContext = {}): SlackMessage {
  const title = batchTitle(batch);
  const resend = context.uncertainSinceMs !== undefined;
  const shown = batch.entries.slice(0, SLACK_MAX_ALERTS);
  const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(title)}*` } }];
  if (resend) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `_${resendNote(batch.idempotencyKey)}_` }] });
  for (const e of shown) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: alertLines(e, e.alert) } });
  const hidden = batch.entries.length - shown.length;
  if (hidden > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${hidden} more` }] });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: shortRef(batch.idempotencyKey) }] });
  const [first] = batch.entries;
  const text =
    batch.entries.length === 1 && first
      ? `${escapeSlack(title)}: ${escapeSlack(valueVsThreshold(first.alert))}, ${escapeSlack(pathText(first.alert.path))}`
      : escapeSlack(title);
  return { text: resend ? `(re-sent, may repeat) ${text}` : text, blocks };
}

export interface SlackNotifierOptions {
  url: string;
  policy?: RetryPolicy;
  deps?: HttpDeps;
}

export class SlackNotifier implements Notifier {
  readonly channelType = 'slack' as const;
  constructor(private readonly options: SlackNotifierOptions) {}

  send(batch: NotificationBatch, context: SendContext = {}): Promise<NotifyResult> {
    return postWithRetry(
      {
        url: this.options.url,
        body: JSON.stringify(slackMessage(batch, context)),
        headers: () => ({ 'content-type': 'application/json', 'user-agent': 'northstar-alerts/1' }),
      },
      this.options.policy ?? DEFAULT_RETRY_POLICY,
      this.options.deps,
    );
  }
}
