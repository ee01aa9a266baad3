import type { Client } from './client.ts';

/** A client over the buffer cap this long is not coming back: it is disconnected, with a reason. */
export const SLOW_CLIENT_GRACE_MS = 10_000;
/** The close code and reason a too-slow client gets (4000–4999 are for applications). */
export const SLOW_CLIENT_CLOSE = { code: 4008, reason: 'too slow: updates were not being read' } as const;
/** A peer that does not read will not complete the close handshake either: its socket is destroyed after this. */
const TERMINATE_AFTER_CLOSE_MS = 1_000;

export interface BackpressureOptions {
  /** Above this many unsent bytes a client skips frames and is resent a snapshot when it drains. */
  maxBufferedBytes: number;
  /** A client over `maxBufferedBytes` this long is disconnected (default SLOW_CLIENT_GRACE_MS). */
  graceMs?: number;
  /** Called once for a client that is disconnected for being too slow, after its socket was closed. */
  onEvict: (client: Client) => void;
}

/**
 * Slow clients: over the buffer cap a client skips frames (drop to latest, a snapshot when
 * it drains); over it for longer than the grace period it is disconnected and its buffer freed.
 */
export class Backpressure {
  readonly #opts: BackpressureOptions;
  readonly #graceMs: number;

  constructor(opts: BackpressureOptions) {
    this.#opts = opts;
    this.#graceMs = opts.graceMs ?? SLOW_CLIENT_GRACE_MS;
  }

  /** True when nothing should be sent to this client now; evicts it once it has lagged past the grace period. */
  lagging(client: Client, nowMs: number): boolean {
    if (client.socket.bufferedAmount <= this.#opts.maxBufferedBytes) {
      client.slowSince = null;
      return false;
    }
    client.slowSince ??= nowMs;
    if (nowMs - client.slowSince > this.#graceMs) {
      client.socket.close(SLOW_CLIENT_CLOSE.code, SLOW_CLIENT_CLOSE.reason);
      setTimeout(() => client.socket.terminate(), TERMINATE_AFTER_CLOSE_MS).unref();
      this.#opts.onEvict(client);
    }
    return true;
  }
}
