/** The REST API under /api/v1: one fetch wrapper, errors with the server's field details. */
import type { FieldProblem } from '@northstar/shared';
import { plainError } from './plainError.ts';

/** A failed request: HTTP status, the server's error code and message, and the fields it names. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

/** Reads the server's `{ error: { code, message, details } }`, or describes a body that is not one. */
export function toApiError(status: number, body: unknown): ApiError {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; message?: unknown; details?: unknown };
    const details = Array.isArray(e.details)
      ? e.details
          .filter(
            (d): d is FieldProblem => typeof d === 'object' && d !== null && typeof d.field === 'string' && typeof d.message === 'string',
          )
          .map((d) => ({ field: d.field, message: d.message }))
      : [];
    return new ApiError(
      status,
      typeof e.code === 'string' ? e.code : 'error',
      typeof e.message === 'string' ? e.message : `HTTP ${status}`,
      details,
    );
  }
  return new ApiError(status, 'http_error', status === 0 ? 'Cannot reach the Northstar server' : `The server answered HTTP ${status}`);
}

/** Who is editing when auth is off, remembered in this browser and sent as X-Northstar-User for the history. */
const USER_KEY = 'northstar.user';

/**
 * Credentials beside the session cookie (which the browser sends by itself): the session's
 * CSRF token, sent on writes, and a kiosk link's token, sent as a bearer token by a TV.
 * Kept in memory only: the CSRF token comes back from /api/v1/auth/me, the kiosk token
 * from the link in the address bar, after every reload.
 */
const credentials = { csrf: '', kiosk: '' };
let unauthorised: (() => void) | undefined;

export function setCsrfToken(token: string): void {
  credentials.csrf = token;
}

export function setKioskToken(token: string): void {
  credentials.kiosk = token;
}

export function kioskToken(): string {
  return credentials.kiosk;
}

/** Called when the server says the session is gone (HTTP 401), except for a kiosk and the sign-in calls themselves. */
export function onUnauthorised(listener: () => void): void {
  unauthorised = listener;
}

/** Paths whose 401 is an answer, not a lost session. */
const AUTH_PATHS = new Set(['/api/v1/auth/login', '/api/v1/auth/me']);

function stored(key: string): string {
  try {
    return globalThis.localStorage?.getItem(key) ?? '';
  } catch {
    return '';
  }
}

export function currentUser(): string {
  return stored(USER_KEY);
}

export function rememberUser(name: string): void {
  try {
    globalThis.localStorage?.setItem(USER_KEY, name.trim());
  } catch {
    // Not remembered; the write still carries the name typed this time.
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** The version being edited; the server answers 409 when someone changed it since. */
  ifMatch?: number;
  /** Why, for the definition's history (X-Northstar-Reason). */
  reason?: string;
  signal?: AbortSignal;
}

/** Header values must be Latin-1; anything else is dropped rather than failing the write. */
function headerSafe(text: string): string {
  return [...text.trim()].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) <= 0xff).join('');
}

export function requestHeaders(opts: RequestOptions, user: string, creds: { csrf: string; kiosk: string }): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.ifMatch !== undefined) headers['if-match'] = `"${opts.ifMatch}"`;
  if (opts.reason) headers['x-northstar-reason'] = headerSafe(opts.reason);
  if (user) headers['x-northstar-user'] = headerSafe(user);
  const write = opts.method !== undefined && opts.method !== 'GET';
  if (write && creds.csrf) headers['x-csrf-token'] = creds.csrf;
  if (creds.kiosk) headers.authorization = `Bearer ${creds.kiosk}`;
  return headers;
}

/** Calls the API; resolves with the parsed JSON (undefined for 204), rejects with an ApiError. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? 'GET',
      headers: requestHeaders(opts, currentUser(), credentials),
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw toApiError(0, undefined);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status === 401 && !credentials.kiosk && !AUTH_PATHS.has(path)) unauthorised?.();
  if (!res.ok) throw toApiError(res.status, body);
  return body as T;
}

/** The message to show for any failure: plain words and what to do (see plainError). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return plainError(err);
  return err instanceof Error ? err.message : String(err);
}
