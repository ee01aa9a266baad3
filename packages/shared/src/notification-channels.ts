import { z } from 'zod';
import { ALERT_SEVERITIES } from './alerts.ts';
import { idField, parseDurationMs } from './primitives.ts';

/**
 * Where alert notifications go: channels (webhook, Slack-compatible, email, PagerDuty,
 * Opsgenie, Microsoft Teams) and the routes that pick channels for an alert. The same shapes
 * serve the config file (`notifications:`, read-only in the app) and the versioned model
 * (made by admins in the app, secrets encrypted at rest and never shown again).
 */

const duration = (what: string) =>
  z.string().refine((d) => parseDurationMs(d) !== undefined, `must be a duration like "30s", "5m" or "4h" (${what})`);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

/** HMAC keys shorter than this are guessable; 32 hex characters is 128 bits. */
export const WEBHOOK_SECRET_MIN_LENGTH = 16;

/** An on-call service's address: its public API by default, a regional one or a local receiver otherwise. */
const serviceUrl = httpUrl.refine((u) => !new URL(u).search && !new URL(u).hash, 'must be a base URL without query or fragment');
const secretKey = (what: string) => z.string().trim().min(8, `must be at least 8 characters (${what})`).max(512);

export const WebhookChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('webhook'),
  url: httpUrl,
  /** Signs every body (X-Northstar-Signature); the receiver checks it with the same secret. */
  secret: z.string().min(WEBHOOK_SECRET_MIN_LENGTH, `must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`).max(512),
});

/** Slack's Web API, where `chat.postMessage` and `conversations.history` live. */
export const SLACK_API_URL = 'https://slack.com/api';

/**
 * A Slack channel posts in one of two ways. Webhook mode: an incoming-webhook URL (Slack,
 * Mattermost, Rocket.Chat…); it cannot be read back, so an uncertain re-send is marked as a
 * possible repeat. API mode: a bot token and a conversation id; every message carries its
 * idempotency key as message metadata, and an uncertain re-send first reads the
 * conversation's history and is skipped when the message is there.
 */
const slackFields = {
  id: idField,
  type: z.literal('slack'),
  /** Webhook mode: an incoming-webhook URL. */
  url: httpUrl.optional(),
  /** API mode: a bot token (xoxb-…) with the chat:write and channels:history (private: groups:history) scopes. */
  botToken: z
    .string()
    .trim()
    .max(256, 'must be at most 256 characters (a Slack bot token)')
    .regex(/^xox[bp]-[A-Za-z0-9-]{8,}$/, 'must be a Slack bot token like "xoxb-…" (OAuth & Permissions of your Slack app)')
    .optional(),
  /** API mode: the conversation to post to, by id, as Slack shows it at the bottom of the channel's details. */
  channelId: z
    .string()
    .trim()
    .regex(/^[CGD][A-Z0-9]{6,20}$/, 'must be a Slack conversation id like "C0123456789" (the bottom of the channel\'s details)')
    .optional(),
  /** API mode: the Web API's base URL; default https://slack.com/api. */
  apiUrl: serviceUrl.optional(),
};
type SlackFields = { url?: string | undefined; botToken?: string | undefined; channelId?: string | undefined; apiUrl?: string | undefined };

/**
 * One mode, fully given. `secretsGiven`: false for an app channel, whose secrets (url,
 * botToken) may be left out to keep the stored ones: only what is given is checked then.
 */
function slackMode(secretsGiven: boolean) {
  return (c: SlackFields, ctx: z.RefinementCtx): void => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const api = c.channelId !== undefined || c.botToken !== undefined;
    if (c.url !== undefined && api) {
      issue('url', 'give either an incoming-webhook url (webhook mode) or botToken and channelId (Web API mode), not both');
      return;
    }
    if (c.apiUrl !== undefined && c.channelId === undefined)
      issue('apiUrl', 'is for the Web API mode only: give channelId and botToken with it');
    if (c.botToken !== undefined && c.channelId === undefined) issue('channelId', 'required with botToken: the conversation id to post to');
    if (!secretsGiven) return;
    if (c.url === undefined && !api) issue('url', 'required: an incoming-webhook URL, or botToken and channelId for the Web API mode');
    if (c.channelId !== undefined && c.botToken === undefined) issue('botToken', 'required with channelId: the bot token that posts there');
  };
}

const SlackObject = z.strictObject(slackFields);
export const SlackChannelSchema = SlackObject.superRefine(slackMode(true));
export const EmailChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('email'),
  /** smtp://user:pass@host:port or smtps://… */
  smtpUrl: z
    .string()
    .max(2048)
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an SMTP URL like smtp://user:pass@host:587'),
  from: z.email(),
  to: z.array(z.email()).min(1).max(50),
});
export const PagerDutyChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('pagerduty'),
  /** The Events API v2 integration key of a PagerDuty service. */
  routingKey: secretKey('the integration key of an Events API v2 integration'),
  /** Default https://events.pagerduty.com (EU: https://events.eu.pagerduty.com). */
  url: serviceUrl.optional(),
});
export const OpsgenieChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('opsgenie'),
  /** The API key of an Opsgenie API integration. */
  apiKey: secretKey('the API key of an Opsgenie API integration'),
  /** Default https://api.opsgenie.com (EU: https://api.eu.opsgenie.com). */
  url: serviceUrl.optional(),
});
export const TeamsChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('teams'),
  /** A Teams incoming-webhook or Workflows webhook URL. */
  url: httpUrl,
});
/** A channel with its secrets in the clear: what the config file holds and what a notifier is built from. */
export const ChannelSchema = z.discriminatedUnion('type', [
  WebhookChannelSchema,
  SlackChannelSchema,
  EmailChannelSchema,
  PagerDutyChannelSchema,
  OpsgenieChannelSchema,
  TeamsChannelSchema,
]);
export type ChannelConfig = z.infer<typeof ChannelSchema>;
export type ChannelType = ChannelConfig['type'];
export const CHANNEL_TYPES = ['webhook', 'slack', 'email', 'pagerduty', 'opsgenie', 'teams'] as const satisfies readonly ChannelType[];

/**
 * The fields of each type that are secrets: encrypted at rest, never returned. A webhook's
 * or Slack's URL carries its token in the path, an SMTP URL its password; a Slack bot token
 * posts as the app.
 */
export const SECRET_FIELDS = {
  webhook: ['url', 'secret'],
  slack: ['url', 'botToken'],
  email: ['smtpUrl'],
  pagerduty: ['routingKey'],
  opsgenie: ['apiKey'],
  teams: ['url'],
} as const satisfies { [T in ChannelType]: ReadonlyArray<keyof Extract<ChannelConfig, { type: T }>> };

/**
 * The secrets a channel needs, by its mode: every secret field of its type, except for Slack,
 * whose webhook mode needs the URL and whose API mode (a channelId) needs the bot token.
 */
export function requiredSecretFields(channel: { type: ChannelType; channelId?: string | undefined }): readonly string[] {
  if (channel.type === 'slack') return channel.channelId !== undefined ? ['botToken'] : ['url'];
  return SECRET_FIELDS[channel.type];
}

/** How a set secret is shown: never more than its last four characters. */
export const SecretHintsSchema = z.record(z.string().max(32), z.string().max(32));

/** What every app channel has besides its type's fields; secrets are optional there (kept when left out). */
const appFields = {
  /** A label for people; the id is what routes name. */
  name: z.string().trim().max(200).optional(),
  /** What an export shows of the secrets that are set; ignored on input. */
  secrets: SecretHintsSchema.optional(),
};

/** A channel as an admin writes it in the app or the model YAML: secrets optional (kept when left out). */
export const AppChannelSchema = z.discriminatedUnion('type', [
  WebhookChannelSchema.partial({ url: true, secret: true }).extend(appFields),
  SlackObject.extend(appFields).superRefine(slackMode(false)),
  EmailChannelSchema.partial({ smtpUrl: true }).extend(appFields),
  PagerDutyChannelSchema.partial({ routingKey: true }).extend(appFields),
  OpsgenieChannelSchema.partial({ apiKey: true }).extend(appFields),
  TeamsChannelSchema.partial({ url: true }).extend(appFields),
]);
export type AppChannelInput = z.input<typeof AppChannelSchema>;
export type AppChannel = z.infer<typeof AppChannelSchema>;

/** Each type's channel without the input-only `secrets` hints (distributed, so each type keeps its own fields). */
type WithoutHints = AppChannel extends infer T ? (T extends unknown ? Omit<T, 'secrets'> : never) : never;

/** A secret at rest: AES-256-GCM ciphertext (see the server's secret box) and the last four characters for display. */
export interface SealedSecret {
  box: string;
  last4: string;
}

/** A channel as the model stores it: the secret fields replaced by `sealed`. */
export type StoredChannel = WithoutHints & { sealed: Record<string, SealedSecret> };

/** A channel as the API shows it: no secret, only which are set and their last four characters. */
export type ChannelView = WithoutHints & {
  secrets: Record<string, string>;
  /** `config`: from the config file, read-only here. */
  source: 'app' | 'config';
  version?: number;
};

export const GROUP_LABELS = ['rule', 'kpi', 'objective'] as const;
export type GroupLabel = (typeof GROUP_LABELS)[number];

/**
 * What an alert entry is about: the rule's firing episode (alerting, the default), or a
 * spell of NoData or Error, which only routes that ask for that state hear about.
 */
export const ROUTED_STATES = ['alerting', 'nodata', 'error'] as const;
export type RoutedState = (typeof ROUTED_STATES)[number];

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** A daily window of local wall-clock time (alerts/quiet-hours.ts reads it). */
export const QuietHoursSchema = z.strictObject({
  start: z.string().regex(HHMM, 'must be a time like "22:00"'),
  end: z.string().regex(HHMM, 'must be a time like "07:00"'),
});
export type QuietHours = z.infer<typeof QuietHoursSchema>;

const routeFields = {
  /** All given fields must match; an empty match takes every alert (a catch-all). */
  match: z
    .strictObject({
      severity: z.array(z.enum(ALERT_SEVERITIES)).min(1).optional(),
      /** Matches an alert when any objective on its path up the tree is listed. */
      objective: z.array(idField).min(1).max(100).optional(),
      /** Matches when the KPI's owner or any objective owner on the path is listed. */
      owner: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
      /**
       * Which alert states this route hears about: `alerting` (firing episodes, the default),
       * `nodata` (a rule's KPI has no value to judge) and `error` (the rule failed to evaluate).
       */
      state: z.array(z.enum(ROUTED_STATES)).min(1).optional(),
    })
    .default({}),
  channels: z.array(idField).min(1).max(50),
  /** Alerts with the same values of these labels go out in one notification. */
  groupBy: z.array(z.enum(GROUP_LABELS)).default(['rule']),
  /** How long the first alert of a group waits for others to join it. */
  groupWait: duration('group wait').default('30s'),
  /** How often a still-firing, unacknowledged alert is sent again. */
  repeatInterval: duration('repeat interval').default('4h'),
  /** Non-critical notifications wait for the end of these hours, in the KPI's time zone. */
  quietHours: QuietHoursSchema.optional(),
};

/** A route of the config file (unnamed, in order). */
export const RouteSchema = z.strictObject(routeFields);
export type RouteConfig = z.infer<typeof RouteSchema>;

/** A route made in the app: the same, with an id to edit it by. */
export const AppRouteSchema = z.strictObject({ id: idField, name: z.string().trim().max(200).optional(), ...routeFields });
export type AppRoute = z.infer<typeof AppRouteSchema>;
export type AppRouteInput = z.input<typeof AppRouteSchema>;
export type RouteView = AppRoute & { source: 'app' | 'config'; version?: number };

/** The test message of POST /api/v1/notifications/channels/:id/test. */
export interface ChannelTestResult {
  ok: boolean;
  attempts: number;
  status?: number;
  error?: string;
}
