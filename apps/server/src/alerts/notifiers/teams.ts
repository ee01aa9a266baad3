import type { NotificationBatch, NotificationEntry } from '../notification.ts';
import { batchSeverity, batchTitle, entryLabel, pathOwners, pathText, resendNote, shortRef, valueVsThreshold } from './format.ts';
import type { Notifier, NotifyResult, SendContext } from './notifier.ts';
import { redact } from './per-alert.ts';
import { DEFAULT_RETRY_POLICY, postWithRetry, type HttpDeps, type RetryPolicy } from './retry.ts';

/**
 * Microsoft Teams: an incoming webhook or a Workflows ("When a Teams webhook request is
 * received") URL, posted a message with one Adaptive Card per batch. Text is plain TextBlocks
 * (Adaptive Cards render no HTML, and markdown in user names is neutralised). The URL carries
 * its own signature, so it is a secret: never logged.
 */

/** Ten alerts keep a card readable (Teams caps a message at about 28 KB); the rest are counted. */
export const TEAMS_MAX_ALERTS = 10;

interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Medium';
  color?: 'Attention' | 'Warning' | 'Good' | 'Default';
  isSubtle?: boolean;
  spacing?: 'Medium';
  separator?: boolean;
}

interface FactSet {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: Array<TextBlock | FactSet>;
}

export interface TeamsMessage {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }];
}

/** Markdown that TextBlocks interpret ("**", "[link](…)", "_") shown as typed. */
export function escapeTeams(text: string): string {
  return text.replace(/([\\*_[\]()#>`~|-])/g, '\\$1');
}

function alertBlocks(entry: NotificationEntry): Array<TextBlock | FactSet> {
  const a = entry.alert;
  const facts = [
    { title: 'Event', value: entryLabel(entry) },
    { title: 'Value', value: escapeTeams(valueVsThreshold(a)) },
    { title: 'Severity', value: a.severity },
    { title: 'Objective path', value: escapeTeams(pathText(a.path)) },
  ];
  const owners = pathOwners(a.path);
  if (owners.length > 0) facts.push({ title: 'Owners', value: escapeTeams(owners.join(', ')) });
  if (a.acknowledged) facts.push({ title: 'Acknowledged by', value: escapeTeams(a.acknowledged.by) });
  return [
    {
      type: 'TextBlock',
      text: escapeTeams(`${a.kpiName}: ${a.ruleName}`),
      wrap: true,
      weight: 'Bolder',
      spacing: 'Medium',
      separator: true,
    },
    { type: 'TextBlock', text: escapeTeams(a.reason), wrap: true, isSubtle: true },
    { type: 'FactSet', facts },
  ];
}

function titleColor(batch: NotificationBatch): TextBlock['color'] {
  if (batch.status === 'resolved') return 'Good';
  const severity = batchSeverity(batch);
  return severity === 'critical' ? 'Attention' : severity === 'warning' ? 'Warning' : 'Default';
}

/**
 * One card: its title, a re-send's note when an earlier try has no outcome (a Teams webhook
 * cannot be read back, so the card may already be there), the alerts, and the batch's short
 * reference last, so two copies can be told from two messages.
 */
export function teamsMessage(batch: NotificationBatch, context: SendContext = {}): TeamsMessage {
  const shown = batch.entries.slice(0, TEAMS_MAX_ALERTS);
  const body: Array<TextBlock | FactSet> = [
    { type: 'TextBlock', text: escapeTeams(batchTitle(batch)), wrap: true, weight: 'Bolder', size: 'Medium', color: titleColor(batch) },
  ];
  if (context.uncertainSinceMs !== undefined) {
    body.push({ type: 'TextBlock', text: resendNote(batch.idempotencyKey), wrap: true, color: 'Warning' });
  }
  body.push(...shown.flatMap(alertBlocks));
  const hidden = batch.entries.length - shown.length;
  if (hidden > 0) body.push({ type: 'TextBlock', text: `and ${hidden} more`, wrap: true, isSubtle: true });
  body.push({ type: 'TextBlock', text: shortRef(batch.idempotencyKey), wrap: true, isSubtle: true });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body },
      },
    ],
  };
}

export interface TeamsNotifierOptions {
  url: string;
  policy?: RetryPolicy;
  deps?: HttpDeps;
}

export class TeamsNotifier implements Notifier {
  readonly channelType = 'teams' as const;
  constructor(private readonly options: TeamsNotifierOptions) {}

  async send(batch: NotificationBatch, context: SendContext = {}): Promise<NotifyResult> {
    const result = await postWithRetry(
      {
        url: this.options.url,
        body: JSON.stringify(teamsMessage(batch, context)),
        headers: () => ({ 'content-type': 'application/json', 'user-agent': 'northstar-alerts/1' }),
      },
      this.options.policy ?? DEFAULT_RETRY_POLICY,
      this.options.deps,
    );
    return redact(
      result,
      [this.options.url, new URL(this.options.url).search.slice(1)].filter((s) => s !== ''),
    );
  }
}
