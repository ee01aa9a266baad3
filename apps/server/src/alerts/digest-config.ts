import { parseDurationMs } from '@northstar/shared';
import { z } from 'zod';
import { QuietHoursSchema } from './quiet-hours.ts';

/**
 * Review digests (`notifications.digests` in the config file): which channels carry them,
 * where each person is reached, and the links they carry. Operational settings like the
 * alert channels: addresses and webhook URLs are not part of the versioned model.
 */

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone like "Europe/Berlin"');

export const DigestPersonSchema = z.strictObject({
  /** The name as written in `owner` fields, and the user name a person signs in with. */
  name: z.string().trim().min(1).max(200),
  email: z.email().optional(),
  /** The id of a `slack` channel (an incoming webhook: the person's DM or a team channel). */
  slack: z.string().min(1).max(64).optional(),
});
export type DigestPerson = z.infer<typeof DigestPersonSchema>;

export const DigestsConfigSchema = z.strictObject({
  /** The id of an `email` channel: its SMTP server and From address carry the digests. */
  email: z.string().min(1).max(64).optional(),
  /** The address links in a digest start with (check-in form, unsubscribe), e.g. https://northstar.example.com. */
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Time zone of the digest period (weeks start on Monday there) and of quiet hours. */
  timezone: timezone.default('UTC'),
  /** Digests wait for the end of these hours. */
  quietHours: QuietHoursSchema.optional(),
  /** How often the scheduler looks for digests due (a digest is sent once per person, objective and period). */
  checkEvery: z
    .string()
    .refine((d) => {
      const ms = parseDurationMs(d);
      return ms !== undefined && ms >= 1_000 && ms <= 86_400_000;
    }, 'must be a duration from "1s" to "24h", like "15m"')
    .default('15m'),
  /**
   * true when Slack's servers can reach `baseUrl`: Slack digests then show each chart as an
   * image from a signed link. Off by default: a server on loopback sends text only.
   */
  publicCharts: z.boolean().default(false),
  people: z.array(DigestPersonSchema).max(10_000).default([]),
});
export type DigestsConfig = z.infer<typeof DigestsConfigSchema>;
