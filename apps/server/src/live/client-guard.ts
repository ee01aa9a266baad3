import { MAX_CLIENT_MESSAGE_BYTES, parseClientMessage, type ClientMessage } from '@northstar/shared';

/** Messages a client may send in a burst; a wall sends a handful on connect. */
export const CLIENT_MESSAGE_BURST = 20;
/** Sustained client messages per second once the burst is spent. */
export const CLIENT_MESSAGES_PER_SECOND = 5;
/** Refused messages (oversized, malformed, invalid, over the rate) before the connection is closed. */
export const CLIENT_ABUSE_LIMIT = 10;
/** Policy violation: what a client that keeps sending junk is closed with. */
export const ABUSE_CLOSE = { code: 1008, reason: 'too many invalid or excessive messages' } as const;

export type GuardResult =
  | { kind: 'ok'; message: ClientMessage }
  | { kind: 'refused'; reason: 'oversized' | 'malformed' | 'invalid' | 'rate_limited'; disconnect: boolean };

/**
 * One connection's gate for what it sends: a token bucket for the rate, then size,
 * JSON and schema. Every refusal is counted against the connection.
 */
export class ClientGuard {
  #tokens = CLIENT_MESSAGE_BURST;
  #refilledAt: number;
  #refused = 0;

  constructor(nowMs: number) {
    this.#refilledAt = nowMs;
  }

  check(data: Buffer | string, isBinary: boolean, nowMs: number): GuardResult {
    this.#tokens = Math.min(CLIENT_MESSAGE_BURST, this.#tokens + ((nowMs - this.#refilledAt) / 1000) * CLIENT_MESSAGES_PER_SECOND);
    this.#refilledAt = nowMs;
    if (this.#tokens < 1) return this.#refuse('rate_limited');
    this.#tokens -= 1;
    if (isBinary) return this.#refuse('malformed');
    if (data.length > MAX_CLIENT_MESSAGE_BYTES) return this.#refuse('oversized');
    const parsed = parseClientMessage(typeof data === 'string' ? data : data.toString('utf8'));
    return parsed.ok ? { kind: 'ok', message: parsed.message } : this.#refuse(parsed.reason);
  }

  #refuse(reason: 'oversized' | 'malformed' | 'invalid' | 'rate_limited'): GuardResult {
    this.#refused += 1;
    return { kind: 'refused', reason, disconnect: this.#refused >= CLIENT_ABUSE_LIMIT };
  }
}
