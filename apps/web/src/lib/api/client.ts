/**
 * The REST API under /api/v1: `client` is typed by the server's own routes (Hono's `hc` over
 * the server's AppType), `call` sends one request and answers its body or an ApiError with
 * the server's field details.
 */
import type { FieldProblem } from '@northstar/shared';
import { hc, type ClientResponse } from 'hono/client';
import type { SuccessStatusCode } from 'hono/utils/http-status';
import type { AppType } from '../../../../server/src/http/app.ts';
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
}

/** Header values must be Latin-1; anything else is dropped rather than failing the write. */
function headerSafe(text: string): string {
  return [...text.trim()].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) <= 0xff).join('');
}

/** The headers of one change: the version it edits (If-Match) and why (X-Northstar-Reason). */
export function changeHeaders(opts: Pick<RequestOptions, 'ifMatch' | 'reason'>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (opts.ifMatch !== undefined) headers['if-match'] = `"${opts.ifMatch}"`;
  if (opts.reason) headers['x-northstar-reason'] = headerSafe(opts.reason);
  return headers;
}

export function requestHeaders(opts: RequestOptions, user: string, creds: { csrf: string; kiosk: string }): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  Object.assign(headers, changeHeaders(opts));
  if (user) headers['x-northstar-user'] = headerSafe(user);
  const write = opts.method !== undefined && opts.method !== 'GET';
  if (write && creds.csrf) headers['x-csrf-token'] = creds.csrf;
  if (creds.kiosk) headers.authorization = `Bearer ${creds.kiosk}`;
  return headers;
}

/** Reads an answer: its JSON (undefined for none), telling the session when the server says it is gone. */
async function answer(res: Response, path: string): Promise<unknown> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.status === 401 && !credentials.kiosk && !AUTH_PATHS.has(path)) unauthorised?.();
  if (!res.ok) throw toApiError(res.status, body);
  return body;
}

/** A fetch that failed before any answer: an abort stays an abort, anything else is "cannot reach". */
function unreachable(err: unknown): never {
  if (err instanceof DOMException && err.name === 'AbortError') throw err;
  throw toApiError(0, undefined);
}

/** Every request the app makes: same-origin cookie, the author, the CSRF token on writes, a kiosk's token. */
function send(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? 'GET').toUpperCase() as NonNullable<RequestOptions['method']>;
  for (const [name, value] of Object.entries(requestHeaders({ method }, currentUser(), credentials))) {
    if (!headers.has(name)) headers.set(name, value);
  }
  return fetch(input, { ...init, headers, credentials: 'same-origin' });
}

/**
 * The server's API, typed by its routes: `client.api.v1.alerts.ack.$post({ json })`. Path
 * parameters are put into the URL as given: encode them (`encodeURIComponent`).
 */
export const client = hc<AppType>('/', { fetch: send });

/** The body of a successful answer of request `R` (undefined for an answer without one). */
export type Answer<R> =
  R extends ClientResponse<infer T, infer S, infer F> ? (S extends SuccessStatusCode ? (F extends 'json' ? T : undefined) : never) : never;

/** Sends a request of `client`; resolves with its answer's body, rejects with an ApiError (status 0: no answer). */
export async function call<R extends ClientResponse<unknown, number, string>>(request: Promise<R>): Promise<Answer<R>> {
  let res: R;
  try {
    res = await request;
  } catch (err) {
    unreachable(err);
  }
  return (await answer(res, new URL(res.url, 'http://local').pathname)) as Answer<R>;
}

/** The message to show for any failure: plain words and what to do (see plainError). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return plainError(err);
  return err instanceof Error ? err.message : String(err);
}
