import { Counter, type Registry } from 'prom-client';
import type { Client } from './client.ts';

/** A client over the buffer cap this long is not coming back: it is disconnected, with a reason. */
export const SLOW_CLIENT_GRACE_MS = 10_000;
/** The close code and reason a too-slow client gets (4000–4999 are for applications). */
export const SLOW_CLIENT_CLOSE = { code: 4008, reason: 'too slow: updates were not being read' } as const;
/** A peer that does not read will not complete the close handshake either: its socket is destroyed after this. */
const TERMINATE_AFTER_CLOSE_MS = 1_000;
/**
 * A client whose oldest unanswered ping is older than this reads that far behind what it
 * was sent: it is sent only the latest state from then on. Most of what a slow reader has
 * not read sits in the kernel's socket buffers (several MiB each on loopback), which no
 * byte count in this process sees; a ping waits behind all of it, so its age is the queue's.
 */
export const MAX_LAG_MS = 1_000;
/** How often a client that is sent frames is pinged to measure how far behind it reads. */
export const LAG_PROBE_MS = 1_000;

export interface BackpressureOptions {
  /** Above this many unsent bytes a client skips frames and is caught up when it drains. */
  maxBufferedBytes: number;
  /** A ping unanswered this long means the client is behind (default MAX_LAG_MS). */
  maxLagMs?: number;
  /** A client behind this long is disconnected (default SLOW_CLIENT_GRACE_MS). */
  graceMs?: number;
  /** Called once for a client that is disconnected for being too slow, after its socket was closed. */
  onEvict: (client: Client) => void;
  registry: Registry;
}

/**
 * Slow clients: one behind by more than a bound (unsent bytes in this process, or the age of
 * its oldest unanswered ping) is sent no more frames, only the latest state once it caught up
 * (catch-up.ts); behind for longer than the grace period it is disconnected and its buffer freed.
 */
export class Backpressure {
  readonly #opts: BackpressureOptions;
  readonly #graceMs: number;
  readonly #maxLagMs: number;
  readonly #fellBehind: Counter;

  constructor(opts: BackpressureOptions) {
    this.#opts = opts;
    this.#graceMs = opts.graceMs ?? SLOW_CLIENT_GRACE_MS;
    this.#maxLagMs = opts.maxLagMs ?? MAX_LAG_MS;
    this.#fellBehind = new Counter({
      name: 'northstar_ws_coalesced_total',
      help: 'Times a WebSocket client fell behind (unsent bytes or unanswered-ping age over the bound) and was switched from every frame to the latest state when it catches up',
      registers: [opts.registry],
    });
  }

  /** True when nothing should be sent to this client now; evicts it once it has lagged past the grace period. */
  lagging(client: Client, nowMs: number): boolean {
    const oldestPing = client.pings[0];
    const behind =
      client.socket.bufferedAmount > this.#opts.maxBufferedBytes || (oldestPing !== undefined && nowMs - oldestPing > this.#maxLagMs);
    if (!behind) {
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

  /**
   * Frames were skipped for this client: it holds everything up to `heldCursor` (the journal's
   * cursor; 0 when only a snapshot will do) and is caught up from there once it reads again.
   */
  fellBehind(client: Client, heldCursor: number): void {
    if (client.needsSnapshot) {
      client.heldCursor = Math.min(client.heldCursor, heldCursor);
      return;
    }
    client.needsSnapshot = true;
    client.heldCursor = heldCursor;
    this.#fellBehind.inc();
  }

  /** After a frame: a ping rides behind it now and then, and its pong says how far behind the client reads. */
  probe(client: Client, nowMs: number): void {
    if (client.pings.length > 0 || nowMs - client.probedAt < LAG_PROBE_MS) return;
    client.probedAt = nowMs;
    client.pings.push(nowMs);
    client.socket.ping();
  }
}
