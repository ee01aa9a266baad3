import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed link tokens, HMAC-SHA256 with the server's digest key, so a link works without
 * signing in and cannot be made for someone else. Each kind of link signs under its own
 * purpose, so an unsubscribe token is never a chart token or the other way round.
 * - unsubscribe: who and which objective; it does not expire (an old digest's link must still work);
 * - chart: which KPI over which span, until when (a chart image Slack fetches).
 */

/** Names and ids are short; a longer token is not one of ours. */
export const MAX_TOKEN_LENGTH = 1024;

function mac(purpose: string, payload: string, key: string): string {
  return createHmac('sha256', key).update(`digest-${purpose}:${payload}`).digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sign(purpose: string, data: unknown, key: string): string {
  const payload = Buffer.from(JSON.stringify(data)).toString('base64url');
  return `${payload}.${mac(purpose, payload, key)}`;
}

function verify(purpose: string, token: string, key: string): unknown {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const [payload, sig, extra] = token.split('.');
  if (!payload || !sig || extra !== undefined || !same(sig, mac(purpose, payload, key))) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    // a signed payload that does not parse cannot happen unless the key leaked; treat it as forged
    return undefined;
  }
}

export function signUnsubscribe(person: string, objective: string, key: string): string {
  return sign('unsubscribe', [person, objective], key);
}

/** The person and objective of a genuine token; null for anything else. */
export function verifyUnsubscribe(token: string, key: string): { person: string; objective: string } | null {
  const parsed = verify('unsubscribe', token, key);
  if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
    return { person: parsed[0], objective: parsed[1] };
  }
  return null;
}

export interface ChartRef {
  kpi: string;
  fromMs: number;
  toMs: number;
  stepMs: number;
  /** Epoch ms after which the link no longer draws. */
  expiresMs: number;
}

export function signChart(ref: ChartRef, key: string): string {
  return sign('chart', [ref.kpi, ref.fromMs, ref.toMs, ref.stepMs, ref.expiresMs], key);
}

/** The chart a genuine, unexpired token names; null for anything else. */
export function verifyChart(token: string, key: string, nowMs: number): ChartRef | null {
  const p = verify('chart', token, key);
  if (!Array.isArray(p) || p.length !== 5 || typeof p[0] !== 'string' || !p.slice(1).every((n) => Number.isSafeInteger(n))) return null;
  const [kpi, fromMs, toMs, stepMs, expiresMs] = p as [string, number, number, number, number];
  return expiresMs >= nowMs ? { kpi, fromMs, toMs, stepMs, expiresMs } : null;
}
