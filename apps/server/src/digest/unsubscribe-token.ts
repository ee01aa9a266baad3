import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An unsubscribe link's token: who and which objective, signed with the server's key
 * (HMAC-SHA256), so the link works without signing in and cannot be made for someone else.
 * It does not expire: an old digest's link must still work.
 */

/** Names and ids are short; a longer token is not one of ours. */
export const MAX_TOKEN_LENGTH = 1024;

function mac(payload: string, key: string): string {
  return createHmac('sha256', key).update(`digest-unsubscribe:${payload}`).digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function signUnsubscribe(person: string, objective: string, key: string): string {
  const payload = Buffer.from(JSON.stringify([person, objective])).toString('base64url');
  return `${payload}.${mac(payload, key)}`;
}

/** The person and objective of a genuine token; null for anything else. */
export function verifyUnsubscribe(token: string, key: string): { person: string; objective: string } | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined || !same(sig, mac(payload, key))) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { person: parsed[0], objective: parsed[1] };
    }
  } catch {
    // a signed payload that does not parse cannot happen unless the key leaked; treat it as forged
  }
  return null;
}
