import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  type Alert,
  type KpiState,
  type Milestone,
  type ObjectiveState,
  type SeriesPoint,
  type ServerMessage,
} from '@northstar/shared';
import type { Metrics } from '../observe/metrics.ts';

export interface HubOptions {
  /** Builds the full snapshot message for a newly connected (or recovering) client. */
  snapshot: () => Extract<ServerMessage, { type: 'snapshot' }>;
  serverVersion: string;
  frameIntervalMs: number;
  heartbeatIntervalMs: number;
  /** Above this many unsent bytes a client skips frames and is resent a snapshot when it drains. */
  maxBufferedBytes: number;
  metrics: Metrics;
}

interface Client {
  socket: WebSocket;
  alive: boolean;
  /** Set when frames were skipped: the next frame it gets is a full snapshot. */
  needsSnapshot: boolean;
  /** Since when its unsent bytes have stayed over the cap; null while it keeps up. */
  slowSince: number | null;
}

/** Clients send nothing big: this bounds what a hostile one can make us buffer. */
const MAX_CLIENT_PAYLOAD_BYTES = 4 * 1024;
/** A peer that misses two pings in a row is gone. */
const PING_INTERVAL_MS = 15_000;
/** A client over the buffer cap this long is not coming back: it is disconnected, with a reason. */
export const SLOW_CLIENT_GRACE_MS = 10_000;
/** The close code and reason a too-slow client gets (4000–4999 are for applications). */
export const SLOW_CLIENT_CLOSE = { code: 4008, reason: 'too slow: updates were not being read' } as const;
/** Connections per instance: beyond this an upgrade is refused, so memory stays bounded. */
export const MAX_CLIENTS = 5000;

/**
 * WebSocket fan-out: a snapshot on connect, then one coalesced delta frame per tick
 * holding the latest state of each KPI that changed; the frame is serialised once
 * and sent to every client.
 */
export class LiveHub {
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<Client>();
  readonly #pendingStates = new Map<string, KpiState>();
  readonly #pendingSpark = new Map<string, SeriesPoint[]>();
  readonly #pendingObjectives = new Map<string, ObjectiveState>();
  readonly #opts: HubOptions;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(opts: HubOptions) {
    this.#opts = opts;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_PAYLOAD_BYTES, perMessageDeflate: false });
    this.#timers.push(setInterval(() => this.#flush(), opts.frameIntervalMs));
    this.#timers.push(setInterval(() => this.#broadcast({ type: 'heartbeat', serverTime: Date.now() }), opts.heartbeatIntervalMs));
    this.#timers.push(setInterval(() => this.#reapDead(), PING_INTERVAL_MS));
    for (const t of this.#timers) t.unref();
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.#clients.size >= MAX_CLIENTS) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws));
  }

  #onConnection(socket: WebSocket): void {
    const client: Client = { socket, alive: true, needsSnapshot: false, slowSince: null };
    this.#clients.add(client);
    this.#opts.metrics.wsClients.set(this.#clients.size);
    socket.on('pong', () => (client.alive = true));
    socket.on('close', () => {
      this.#clients.delete(client);
      this.#opts.metrics.wsClients.set(this.#clients.size);
    });
    socket.on('error', () => socket.terminate());
    // The protocol has no client requests yet; anything sent is ignored, bounded by maxPayload.
    socket.on('message', () => undefined);
    this.#send(
      client,
      JSON.stringify({
        type: 'hello',
        protocol: PROTOCOL_VERSION,
        serverVersion: this.#opts.serverVersion,
        serverTime: Date.now(),
      } satisfies ServerMessage),
      'hello',
    );
    this.#send(client, JSON.stringify(this.#opts.snapshot()), 'snapshot');
  }

  /** Queues changes; the latest state per KPI wins until the next frame. */
  publish(
    states: readonly KpiState[],
    sparks: ReadonlyArray<{ id: string; points: SeriesPoint[] }>,
    objectives: readonly ObjectiveState[] = [],
  ): void {
    for (const s of states) this.#pendingStates.set(s.id, s);
    for (const s of sparks) this.#pendingSpark.set(s.id, s.points);
    for (const o of objectives) this.#pendingObjectives.set(o.id, o);
  }

  #send(client: Client, frame: string, type: ServerMessage['type']): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(frame);
    this.#opts.metrics.wsFrames.inc({ type });
  }

  #flush(): void {
    if (this.#pendingStates.size === 0 && this.#pendingSpark.size === 0 && this.#pendingObjectives.size === 0) return;
    const message: ServerMessage = {
      type: 'delta',
      serverTime: Date.now(),
      states: [...this.#pendingStates.values()],
      objectives: [...this.#pendingObjectives.values()],
      spark: [...this.#pendingSpark].map(([id, points]) => ({ id, points })),
    };
    this.#pendingStates.clear();
    this.#pendingSpark.clear();
    this.#pendingObjectives.clear();
    const frame = JSON.stringify(message);
    let snapshot: string | undefined;
    const now = Date.now();
    for (const client of this.#clients) {
      if (this.#lagging(client, now)) {
        client.needsSnapshot = true; // drop to latest: skip deltas, catch up with one snapshot
        continue;
      }
      if (client.needsSnapshot) {
        snapshot ??= JSON.stringify(this.#opts.snapshot());
        client.needsSnapshot = false;
        this.#send(client, snapshot, 'snapshot');
      } else {
        this.#send(client, frame, 'delta');
      }
    }
  }

  /** The model changed: everyone gets a fresh snapshot, and queued deltas are dropped as it holds them. */
  resync(): void {
    this.#pendingStates.clear();
    this.#pendingSpark.clear();
    this.#pendingObjectives.clear();
    this.#broadcast(this.#opts.snapshot());
  }

  alertChanged(alert: Alert): void {
    this.#broadcast({ type: 'alert', serverTime: Date.now(), alert });
  }

  celebrate(milestone: Milestone): void {
    this.#broadcast({ type: 'milestone', serverTime: Date.now(), milestone });
  }

  #broadcast(message: ServerMessage): void {
    const frame = JSON.stringify(message);
    const now = Date.now();
    for (const client of this.#clients) {
      // a lagging client catches up with a snapshot later; piling more on it helps nobody
      if (this.#lagging(client, now)) client.needsSnapshot = true;
      else this.#send(client, frame, message.type);
    }
  }

  /**
   * Over the buffer cap: the client skips frames (drop to latest). Over it for longer
   * than the grace period: it is disconnected with a reason, and its buffer freed.
   */
  #lagging(client: Client, now: number): boolean {
    if (client.socket.bufferedAmount <= this.#opts.maxBufferedBytes) {
      client.slowSince = null;
      return false;
    }
    client.slowSince ??= now;
    if (now - client.slowSince > SLOW_CLIENT_GRACE_MS) {
      this.#opts.metrics.wsEvictions.inc();
      client.socket.close(SLOW_CLIENT_CLOSE.code, SLOW_CLIENT_CLOSE.reason);
      // a peer that does not read will not complete the close handshake either
      setTimeout(() => client.socket.terminate(), 1000).unref();
      this.#clients.delete(client);
      this.#opts.metrics.wsClients.set(this.#clients.size);
    }
    return true;
  }

  #reapDead(): void {
    for (const client of this.#clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    for (const client of this.#clients) client.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
