import { ChannelSchema, RouteSchema, parseDurationMs, type AlertSeverity, type GroupLabel, type QuietHours } from '@northstar/shared';
import { z } from 'zod';
import type { RoutedState } from './notification.ts';
import { DigestsConfigSchema } from './digest-config.ts';

/**
 * Where notifications go: channels (webhook, Slack-compatible, email, PagerDuty, Opsgenie,
 * Microsoft Teams) and the routes that pick channels for an alert, as the config file's
 * `notifications:` section holds them (the schemas are shared with the app's channels and
 * routes: packages/shared/src/notification-channels.ts). Durations are written like the rest
 * of the config ("30s", "4h") and resolved to milliseconds once, by `resolveRoutes`.
 */

export {
  ChannelSchema,
  EmailChannelSchema,
  GROUP_LABELS,
  OpsgenieChannelSchema,
  PagerDutyChannelSchema,
  RouteSchema,
  SlackChannelSchema,
  TeamsChannelSchema,
  WEBHOOK_SECRET_MIN_LENGTH,
  WebhookChannelSchema,
  type ChannelConfig,
  type GroupLabel,
  type RouteConfig,
} from '@northstar/shared';

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
  /** A route made in the app: `route:<id>`, so its groups and repeats keep their identity when other routes change. */
  key?: string;
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
