import { z } from 'zod';

/** How many origins may embed the wall: a list, not a pattern for the whole web. */
export const MAX_EMBED_ORIGINS = 50;

/**
 * Why `text` cannot be a `frame-ancestors` source, or undefined when it can. Only an http(s)
 * origin (scheme, host, optional port; no path, query, user or fragment) is accepted. The one
 * wildcard allowed is CSP's leftmost-label form for https (`https://*.intranet.example.com`):
 * it names the subdomains of one domain. `*`, `https:`, `'self'` keywords and a wildcard over a
 * top-level domain would let any site frame the wall, so they are refused.
 */
export function embedOriginProblem(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return 'is empty';
  if (value.length > 200) return 'is longer than 200 characters';
  const wildcard = /^https:\/\/\*\.(.+)$/.exec(value);
  if (value.includes('*') && !wildcard) return 'may only use a wildcard as https://*.example.com (the subdomains of one domain)';
  const candidate = wildcard ? `https://${wildcard[1]}` : value;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return 'is not an origin like https://intranet.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must start with https:// or http://';
  if (url.username || url.password) return 'must not hold a user name or password';
  if (url.pathname !== '/' || url.search || url.hash || /[?#]/.test(candidate))
    return `must be an origin only (scheme, host and port), like ${url.origin}`;
  if (wildcard && !url.hostname.includes('.')) return 'a wildcard must stay under one domain, like https://*.example.com';
  return undefined;
}

/** The canonical form: the URL's origin (lower-case host, default port dropped), the wildcard kept. */
export function normaliseEmbedOrigin(text: string): string {
  const value = text.trim().replace(/\/$/, '');
  const wildcard = /^https:\/\/\*\.(.+)$/.exec(value);
  if (wildcard) return `https://*.${new URL(`https://${wildcard[1]}`).host}`;
  return new URL(value).origin;
}

const EmbedOrigin = z
  .string()
  .max(200)
  .superRefine((text, ctx) => {
    const problem = embedOriginProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: `"${text.slice(0, 60)}" ${problem}` });
  })
  .transform(normaliseEmbedOrigin);

/** PUT /api/v1/settings/embed-origins: the origins an admin allows to frame boards and tiles. */
export const EmbedOriginsSettingSchema = z.strictObject({
  origins: z
    .array(EmbedOrigin)
    .max(MAX_EMBED_ORIGINS, `at most ${MAX_EMBED_ORIGINS} origins`)
    .transform((list) => [...new Set(list)]),
});
export type EmbedOriginsSetting = z.infer<typeof EmbedOriginsSettingSchema>;

/** GET /api/v1/settings/embed-origins. */
export interface EmbedOriginsView {
  /** Set in the app (editable by admins). */
  origins: string[];
  /** From NORTHSTAR_EMBED_ORIGINS (read-only here). */
  fromEnvironment: string[];
  version: number;
}
