import { Counter, Gauge } from 'prom-client';
import type { LiveScope } from '@northstar/shared';
import type { Metrics } from '../observe/metrics.ts';
import type { LiveAccess } from './access.ts';
import { ClientGuard } from './client-guard.ts';
import type { Client, LiveSocket } from './client.ts';
import { Subscription } from './subscription.ts';

/** Subscriptions of closed connections kept for their resume; the oldest go first. */
export const RECENT_SUBSCRIPTIONS = 10_000;
/** The close code and reason when what let a client in was revoked or ended. */
export const CREDENTIALS_ENDED_CLOSE = { code: 4001, reason: 'credentials revoked or expired' } as const;

/**
 * The open connections of one hub: who is connected, who still answers pings, what let each
 * in, and the scopes of recently closed ones (a reconnecting wall resumes with its scope).
 */
export class Connections implements Iterable<Client> {
  readonly #clients = new Set<Client>();
  readonly #recentScopes = new Map<number, LiveScope>();
  readonly #metrics: Pick<Metrics, 'wsClients'>;
  readonly #recentLimit: number;
  readonly #unanswered: Counter;
  #nextId = 0;

  constructor(metrics: Pick<Metrics, 'wsClients' | 'registry'>, opts: { recentLimit?: number } = {}) {
    this.#metrics = metrics;
    this.#recentLimit = opts.recentLimit ?? RECENT_SUBSCRIPTIONS;
    const clients = this.#clients;
    this.#unanswered = new Counter({
      name: 'northstar_ws_unanswered_drops_total',
      help: 'WebSocket clients dropped for not answering a ping within a heartbeat period (gone, or reading more than that behind)',
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'northstar_ws_buffered_bytes',
      help: 'Bytes queued in this process for WebSocket clients that have not read them yet; a frame shared by several counts once per client',
      registers: [metrics.registry],
      collect() {
        let total = 0;
        for (const c of clients) total += c.socket.bufferedAmount;
        this.set(total);
      },
    });
  }

  get size(): number {
    return this.#clients.size;
  }

  [Symbol.iterator](): Iterator<Client> {
    return this.#clients.values();
  }

  /** A restricted connection (`access`) is subscribed to its KPIs from the start, and cannot change that. */
  add(socket: LiveSocket, nowMs: number, access: LiveAccess | undefined, credentials: readonly string[]): Client {
    const client: Client = {
      id: ++this.#nextId,
      socket,
      alive: true,
      needsSnapshot: false,
      heldCursor: 0,
      pings: [],
      probedAt: nowMs,
      slowSince: null,
      sub: null,
      awaiting: undefined,
      guard: new ClientGuard(nowMs),
      access,
      credentials,
    };
    if (access) {
      client.sub = new Subscription();
      client.sub.add({ kpis: [...access.kpis] });
      // KPIs only, no objectives: nothing to look up
      client.sub.resolve(() => []);
    }
    this.#clients.add(client);
    this.#metrics.wsClients.set(this.#clients.size);
    return client;
  }

  /** Drops a closed (or closing) connection; its scope is kept for its resume. False if it was already gone. */
  forget(client: Client): boolean {
    clearTimeout(client.awaiting);
    client.awaiting = undefined;
    if (!this.#clients.delete(client)) return false;
    this.#metrics.wsClients.set(this.#clients.size);
    if (client.sub) {
      this.#recentScopes.set(client.id, client.sub.scope);
      if (this.#recentScopes.size > this.#recentLimit) this.#recentScopes.delete(this.#recentScopes.keys().next().value!);
    }
    return true;
  }

  /** The scope a closed connection had, by its id (the number in its resume token). */
  recentScope(clientId: number): LiveScope | undefined {
    return this.#recentScopes.get(clientId);
  }

  /** One round of the heartbeat: a peer that did not answer the last ping is gone, the rest are pinged. */
  reapDead(nowMs = Date.now()): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        this.#unanswered.inc();
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
      client.pings.push(nowMs);
    }
  }

  /** A pong: the peer is alive, and has read everything sent before the oldest ping it had not answered. */
  ponged(client: Client): void {
    client.alive = true;
    client.pings.shift();
  }

  /** Closes every connection let in with this credential (a revoked token, an ended session); returns how many. */
  disconnect(credential: string): number {
    let closed = 0;
    for (const client of this.#clients) {
      if (!client.credentials.includes(credential)) continue;
      client.socket.close(CREDENTIALS_ENDED_CLOSE.code, CREDENTIALS_ENDED_CLOSE.reason);
      this.forget(client);
      closed += 1;
    }
    return closed;
  }

  /** Shutdown: every connection is told why. */
  closeAll(): void {
    for (const client of this.#clients) {
      clearTimeout(client.awaiting);
      client.socket.close(1001, 'server shutting down');
    }
  }
}
