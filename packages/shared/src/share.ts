import { z } from 'zod';

/** The history ranges a shared KPI page may be fixed to (the KPI page's presets). */
export const SHARE_RANGES = ['1h', '24h', '7d', '30d', 'qtd', 'ytd'] as const;
export type ShareRange = (typeof SHARE_RANGES)[number];

const id = z.string().min(1, 'is required').max(128);

/** What a read-only link shows: one board, one KPI's page with its range, or an objective and everything under it. */
export const ShareViewSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('board'), board: id }),
  z.strictObject({ kind: z.literal('kpi'), kpi: id, range: z.enum(SHARE_RANGES).default('24h') }),
  z.strictObject({ kind: z.literal('objective'), objective: id }),
]);
export type ShareView = z.output<typeof ShareViewSchema>;

/** The longest a share link may live when it expires: a year. */
export const MAX_SHARE_HOURS = 24 * 366;

export const CreateShareSchema = z.strictObject({
  view: ShareViewSchema,
  name: z.string().trim().min(1, 'is required').max(200).optional(),
  /** Omitted or null: the link never expires (it can still be revoked). */
  expiresInHours: z
    .number()
    .positive('must be more than 0')
    .max(MAX_SHARE_HOURS, `must be at most ${MAX_SHARE_HOURS} (a year)`)
    .nullable()
    .optional(),
});

/** A share link as listed: never its token (only its hash is stored). */
export interface ShareInfo {
  id: string;
  name: string;
  view: ShareView;
  createdBy: string;
  createdAt: number;
  /** null: never expires. */
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

/** The answer to creating a link: the token, shown this once. */
export interface CreatedShare extends ShareInfo {
  token: string;
}

/** GET /api/v1/shares/current: what the link in hand shows. */
export interface ShareCurrent {
  id: string;
  name: string;
  view: ShareView;
  expiresAt: number | null;
}

/**
 * Share tokens read `nss_<id>_<secret>`, like API and kiosk tokens (auth/secrets.ts): the id
 * finds the record, the SHA-256 of the whole token must match it.
 */
export const SHARE_TOKEN_PATTERN = /^nss_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export type CreateShareInput = z.input<typeof CreateShareSchema>;
