import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Equal strings in time that does not depend on where they differ (lengths may leak; hashes have one length). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token of an `Authorization: Bearer …` header, if that is what it carries. */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** The Authorization header that sends `token` to a Northstar server; none without a token (auth off). */
export function bearerHeader(token: string | undefined): { authorization?: string } {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Tokens read `nst_<id>_<secret>` (API) or `nsk_<id>_<secret>` (kiosk): the id finds the
 * record, the SHA-256 of the whole token must match it. Secrets are 256 random bits, so a
 * fast hash is enough (unlike passwords).
 */
const TOKEN_PATTERN = /^(nst|nsk)_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function newToken(kind: 'api' | 'kiosk'): { id: string; token: string } {
  const id = randomBytes(6).toString('hex');
  return { id, token: `${kind === 'api' ? 'nst' : 'nsk'}_${id}_${randomSecret()}` };
}

export function tokenId(token: string): string | null {
  return TOKEN_PATTERN.exec(token)?.[2] ?? null;
}
