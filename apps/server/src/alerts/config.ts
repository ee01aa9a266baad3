import { ALERT_SEVERITIES, idField, parseDurationMs, type AlertSeverity } from '@northstar/shared';
import { z } from 'zod';
import { ROUTED_STATES, type RoutedState } from './notification.ts';
import { DigestsConfigSchema } from './digest-config.ts';
import { QuietHoursSchema, type QuietHours } from './quiet-hours.ts';

/**
 * Where notifications go: channels (webhook, Slack-compatible, email, PagerDuty, Opsgenie,
 * Microsoft Teams) and the routes
 * that pick channels for an alert. Durations are written like the rest of the config
 * ("30s", "4h") and resolved to milliseconds once, by `resolveRoutes`.
 */

const duration = (what: string) =>
  z.string().refine((d) => parseDurationMs(d) !== undefined, `must be a duration like "30s", "5m" or "4h" (${what})`);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

/** HMAC keys shorter than this are guessable; 32 hex characters is 128 bits. */
export const WEBHOOK_SECRET_MIN_LENGTH = 16;

export const WebhookChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('webhook'),
  url: httpUrl,
  /** Signs every body (X-Northstar-Signature); the receiver checks it with the same secret. */
  secret: z.string().min(WEBHOOK_SECRET_MIN_LENGTH, `must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`),
});
export const SlackChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('slack'),
  /** A Slack (or Mattermost, Rocket.Chat…) incoming-webhook URL. */
  url: httpUrl,
});
export const EmailChannelSchema = z.strictObject({
  id: idField,
  type: z.literal('email'),
  /** smtp://user:pass@host:port or smtps://… */
  smtpUrl: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an SMTP URL like smtp://user:pass@host:587'),
  from: z.email(),
  to: z.array(z.email()).min(1).max(50),
});
/** An on-call service's address: its public API by default, a regional one or a local receiver otherwise. */
const serviceUrl = httpUrl.refine((u) => !new URL(u).search && !new URL(u).hash, 'must be a base URL without query or fragment');
const secretKey = (what: string) => z.string().trim().min(8, `must be at least 8 characters (${what})`).max(512);

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
export const ChannelSchema = z.discriminatedUnion('type', [
  WebhookChannelSchema,
  SlackChannelSchema,
  EmailChannelSchema,
  PagerDutyChannelSchema,
  OpsgenieChannelSchema,
  TeamsChannelSchema,
]);
export type ChannelConfig = z.infer<typeof ChannelSchema>;

export const GROUP_LABELS = ['rule', 'kpi', 'objective'] as const;
export type GroupLabel = (typeof GROUP_LABELS)[number];

export const RouteSchema = z.strictObject({
  /** All given fields must match; an empty match takes every alert (a catch-all). */
  match: z
    .strictObject({
      severity: z.array(z.enum(ALERT_SEVERITIES)).min(1).optional(),
      /** Matches an alert when any objective on its path up the tree is listed. */
      objective: z.array(idField).min(1).optional(),
      /** Matches when the KPI's owner or any objective owner on the path is listed. */
      owner: z.array(z.string().min(1).max(200)).min(1).optional(),
      /**
       * Which alert states this route hears about: `alerting` (firing episodes, the default),
       * `nodata` (a rule's KPI has no value to judge) and `error` (the rule failed to evaluate).
       */
      state: z.array(z.enum(ROUTED_STATES)).min(1).optional(),
    })
    .default({}),
  channels: z.array(idField).min(1),
  /** Alerts with the same values of these labels go out in one notification. */
  groupBy: z.array(z.enum(GROUP_LABELS)).default(['rule']),
  /** How long the first alert of a group waits for others to join it. */
  groupWait: duration('group wait').default('30s'),
  /** How often a still-firing, unacknowledged alert is sent again. */
  repeatInterval: duration('repeat interval').default('4h'),
  /** Non-critical notifications wait for the end of these hours, in the KPI's time zone. */
  quietHours: QuietHoursSchema.optional(),
});
export type RouteConfig = z.infer<typeof RouteSchema>;

export const NotificationsConfigSchema = z
  .strictObject({
    channels: z.array(ChannelSchema).max(100).default([]),
    routes: z.array(RouteSchema).max(100).default([]),
    /** Review digests by email and Slack (digest-config.ts); none without this section. */
    digests: DigestsConfigSchema.optional(),
  })
  .superRefine((cfg, ctx) => {
    const ids = new Set<string>();
    cfg.channels.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: 'custom', path: ['channels', i, 'id'], message: `duplicate channel "${c.id}"` });
      ids.add(c.id);
    });
    cfg.routes.forEach((r, i) =>
      r.channels.forEach((id, j) => {
        if (!ids.has(id)) ctx.addIssue({ code: 'custom', path: ['routes', i, 'channels', j], message: `no channel "${id}"` });
      }),
    );
    const typeOf = new Map(cfg.channels.map((c) => [c.id, c.type]));
    const needChannel = (id: string | undefined, type: 'email' | 'slack', path: PropertyKey[]) => {
      if (id !== undefined && typeOf.get(id) !== type) ctx.addIssue({ code: 'custom', path, message: `no ${type} channel "${id}"` });
    };
    needChannel(cfg.digests?.email, 'email', ['digests', 'email']);
    cfg.digests?.people.forEach((p, i) => needChannel(p.slack, 'slack', ['digests', 'people', i, 'slack']));
  });
export type NotificationsConfig = z.infer<typeof NotificationsConfigSchema>;

/** A route as the Dispatcher uses it: durations in milliseconds. */
export interface Route {
  match: { severity?: AlertSeverity[]; objective?: string[]; owner?: string[]; state?: RoutedState[] };
  channels: string[];
  groupBy: GroupLabel[];
  groupWaitMs: number;
  repeatIntervalMs: number;
  quietHours?: QuietHours;
}

export function resolveRoutes(cfg: Pick<NotificationsConfig, 'routes'>): Route[] {
  return cfg.routes.map((r) => ({
    match: r.match,
    channels: r.channels,
    groupBy: r.groupBy,
    groupWaitMs: parseDurationMs(r.groupWait) ?? 0,
    repeatIntervalMs: parseDurationMs(r.repeatInterval) ?? 0,
    ...(r.quietHours ? { quietHours: r.quietHours } : {}),
  }));
}
