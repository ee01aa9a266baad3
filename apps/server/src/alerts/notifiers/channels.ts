import type { ChannelConfig } from '../config.ts';
import { EmailNotifier } from './email.ts';
import type { Notifier } from './notifier.ts';
import { OpsgenieNotifier } from './opsgenie.ts';
import { PagerDutyNotifier } from './pagerduty.ts';
import { TeamsNotifier } from './teams.ts';
import type { HttpDeps, RetryPolicy } from './retry.ts';
import { SlackApiNotifier } from './slack-api.ts';
import { SlackNotifier } from './slack.ts';
import { WebhookNotifier } from './webhook.ts';

/** One notifier per configured channel; the shell keeps them for the process's life and closes them on shutdown. */
export function createNotifier(channel: ChannelConfig, deps: HttpDeps = {}, policy?: RetryPolicy): Notifier {
  switch (channel.type) {
    case 'webhook':
      return new WebhookNotifier({ url: channel.url, secret: channel.secret, deps, ...(policy ? { policy } : {}) });
    case 'slack':
      // the schema guarantees one mode: a conversation id with its bot token, or an incoming-webhook URL
      if (channel.channelId !== undefined && channel.botToken !== undefined) {
        return new SlackApiNotifier({
          botToken: channel.botToken,
          channelId: channel.channelId,
          deps,
          ...(channel.apiUrl ? { apiUrl: channel.apiUrl } : {}),
          ...(policy ? { policy } : {}),
        });
      }
      if (channel.url === undefined)
        throw new Error(`slack channel "${channel.id}" needs an incoming-webhook url, or botToken and channelId`);
      return new SlackNotifier({ url: channel.url, deps, ...(policy ? { policy } : {}) });
    case 'email':
      return new EmailNotifier({ smtpUrl: channel.smtpUrl, from: channel.from, to: channel.to });
    case 'pagerduty':
      return new PagerDutyNotifier({
        routingKey: channel.routingKey,
        deps,
        ...(channel.url ? { url: channel.url } : {}),
        ...(policy ? { policy } : {}),
      });
    case 'opsgenie':
      return new OpsgenieNotifier({
        apiKey: channel.apiKey,
        deps,
        ...(channel.url ? { url: channel.url } : {}),
        ...(policy ? { policy } : {}),
      });
    case 'teams':
      return new TeamsNotifier({ url: channel.url, deps, ...(policy ? { policy } : {}) });
  }
}
