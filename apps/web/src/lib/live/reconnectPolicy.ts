/** When and how the wall retries its WebSocket. Pure, so the policy is testable without sockets. */

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** First retry comes quickly: most drops are a server restart or a proxy recycling the socket. */
export const RECONNECT_BASE_MS = 500;
/** Never wait longer than this, so a wall comes back within seconds of the server. */
export const RECONNECT_CAP_MS = 10_000;
/** After this many failed attempts in a row (about 15 s of trying) the wall says "offline". */
export const OFFLINE_AFTER_FAILURES = 5;
/**
 * The server sends a heartbeat every few seconds; this long without any message means the
 * socket is dead even if the browser has not noticed (sleeping laptop, dropped NAT entry).
 */
export const SILENCE_TIMEOUT_MS = 15_000;

/**
 * Delay before the next attempt after `failures` consecutive failures: exponential from
 * RECONNECT_BASE_MS, capped at RECONNECT_CAP_MS, with ±25 % jitter so a room of walls
 * does not reconnect in lockstep after a server restart. `random` returns [0, 1).
 */
export function reconnectDelayMs(failures: number, random: () => number = Math.random): number {
  const exponential = RECONNECT_BASE_MS * 2 ** Math.max(0, Math.min(failures, 16));
  const capped = Math.min(RECONNECT_CAP_MS, exponential);
  const jittered = capped * (0.75 + random() * 0.5);
  return Math.round(Math.min(RECONNECT_CAP_MS, Math.max(RECONNECT_BASE_MS, jittered)));
}

/** What to show while waiting to retry. */
export function stateWhileRetrying(failures: number, online: boolean): ConnectionState {
  if (!online || failures >= OFFLINE_AFTER_FAILURES) return 'offline';
  return 'reconnecting';
}

/**
 * The URL for a reconnect that resumes: with `?resume=1` the server holds the snapshot back for
 * up to 2 s waiting for our `resume`. An older server ignores the query and sends the snapshot.
 */
export function resumeUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}resume=1`;
}
