import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Counter } from 'prom-client';
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
import { restrictSnapshot, type LiveAccess } from './access.ts';
import { Backpressure } from './backpressure.ts';
import { ABUSE_CLOSE } from './client-guard.ts';
import { sendFrame, type Client, type LiveSocket } from './client.ts';
import { Connections } from './connections.ts';
import { FanOut } from './fan-out.ts';
import { LiveJournal } from './journal.ts';
import type { Outgoing } from './outgoing.ts';
import { resumeClient } from './resume.ts';
import { SocketWorkers, type RemoteEvents } from './socket-workers.ts';
import { WsServer } from './ws-server.ts';
import { WsSocket } from './ws-socket.ts';
import { SnapshotCache, type SnapshotMessage } from './snapshot-cache.ts';
import { changeScope } from './subscription-messages.ts';
import type { WallListener } from './wall-listener.ts';

export { SLOW_CLIENT_CLOSE, SLOW_CLIENT_GRACE_MS } from './backpressure.ts';
export { CREDENTIALS_ENDED_CLOSE } from './connections.ts';

export interface HubOptions {
  /** Builds the full snapshot message for a newly connected (or recovering) client: the wall service's. */
  snapshot: () => SnapshotMessage;
  serverVersion: string;
  /** The least time between two frames to a client: updates in between coalesce to the latest per KPI. */
  frameIntervalMs: number;
  heartbeatIntervalMs: number;
  /** Above this many unsent bytes a client skips frames and is caught up when it drains. */
  maxBufferedBytes: number;
  /** A client whose oldest unanswered ping is this old skips frames too (default MAX_LAG_MS). */
  maxLagMs?: number;
  /** A client behind this long is disconnected (default SLOW_CLIENT_GRACE_MS). */
  slowClientGraceMs?: number;
  /** Connections per instance (default MAX_CLIENTS). */
  maxClients?: number;
  /** KPI ids linked to an objective or below it, for subscriptions by objective. */
  kpisUnder?: (objectiveId: string) => readonly string[];
  metrics: Metrics;
  /**
   * Fan-out worker processes holding the sockets (socket-workers.ts), so the per-socket
   * writes use other cores than the main thread; 0 (the default here): every socket in this process.
   */
  workers?: number;
}

/** A peer that misses two pings in a row is gone. */
const PING_INTERVAL_MS = 15_000;
/** A client that connected with `?resume` gets a snapshot if its resume does not come within this. */
const RESUME_WAIT_MS = 2_000;
/** Connections per instance: beyond this an upgrade is refused, so memory stays bounded. */
export const MAX_CLIENTS = 5000;

/**
 * The WebSocket hub: it only fans frames out. What it sends comes from the wall service
 * (states, objective roll-ups, alerts, milestones, snapshots); the jobs are in modules of
 * their own: connections and pings (connections.ts), coalescing and fan-out (fan-out.ts),
 * slow clients (backpressure.ts), subscriptions (subscription-messages.ts), resume from the
 * journal (resume.ts), the snapshot frame (snapshot-cache.ts). This class wires them to a
 * socket server and answers each client message.
 */
export class LiveHub implements WallListener {
  readonly #server = new WsServer();
  readonly #workers: SocketWorkers | undefined;
  readonly #opts: HubOptions;
  readonly #journal = new LiveJournal();
  readonly #connections: Connections;
  readonly #backpressure: Backpressure;
  readonly #snapshots: SnapshotCache;
  readonly #fanOut: FanOut;
  readonly #maxClients: number;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #clientMessages: Counter<'outcome'>;
  readonly #resumes: Counter<'outcome'>;
  /** Sequence numbers are comparable only within one instance: a restart means a snapshot. */
  readonly instance = randomBytes(6).toString('base64url');

  constructor(opts: HubOptions) {
    this.#opts = opts;
    this.#maxClients = opts.maxClients ?? MAX_CLIENTS;
    if (opts.workers) {
      const restarts = new Counter({
        name: 'northstar_ws_worker_restarts_total',
        help: 'Fan-out worker processes that exited while the server ran and were replaced (their clients reconnected)',
        registers: [opts.metrics.registry],
      });
      this.#workers = new SocketWorkers({ count: opts.workers, onCrash: () => restarts.inc() });
    }
    this.#connections = new Connections(opts.metrics);
    this.#backpressure = new Backpressure({
      maxBufferedBytes: opts.maxBufferedBytes,
      maxLagMs: opts.maxLagMs,
      graceMs: opts.slowClientGraceMs,
      registry: opts.metrics.registry,
      onEvict: (client) => {
        opts.metrics.wsEvictions.inc();
        this.#connections.forget(client);
      },
    });
    this.#snapshots = new SnapshotCache(opts.snapshot, this.#journal);
    this.#fanOut = new FanOut({
      journal: this.#journal,
      clients: this.#connections,
      backpressure: this.#backpressure,
      snapshots: this.#snapshots,
      frameIntervalMs: opts.frameIntervalMs,
      send: this.#send,
      sendSnapshot: this.#sendSnapshot,
      registry: opts.metrics.registry,
    });
    this.#timers.push(setInterval(() => this.#fanOut.broadcast({ type: 'heartbeat', serverTime: Date.now() }), opts.heartbeatIntervalMs));
    this.#timers.push(setInterval(() => this.#connections.reapDead(), PING_INTERVAL_MS));
    for (const t of this.#timers) t.unref();
    this.#clientMessages = new Counter({
      name: 'northstar_ws_client_messages_total',
      help: 'Messages from WebSocket clients, by outcome (ok, or why they were refused)',
      labelNames: ['outcome'],
      registers: [opts.metrics.registry],
    });
    this.#resumes = new Counter({
      name: 'northstar_ws_resumes_total',
      help: 'Resumed WebSocket connections, by what they were sent (replay, or why a snapshot)',
      labelNames: ['outcome'],
      registers: [opts.metrics.registry],
    });
  }

  get clientCount(): number {
    return this.#connections.size;
  }

  /** Upgrades handed to a fan-out worker whose handshake has not completed yet (they count against the client limit). */
  get handingOver(): number {
    return this.#workers?.opening ?? 0;
  }

  /**
   * `access`, when given, fixes what this connection may see; `credentials` name what let it
   * in, for disconnect(). Both are decided at the handshake, before this.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, access?: LiveAccess, credentials: readonly string[] = []): void {
    const unavailable = (): void => void socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n');
    if (this.#connections.size + (this.#workers?.opening ?? 0) >= this.#maxClients) return unavailable();
    const opts = { resuming: new URL(req.url ?? '/', 'http://localhost').searchParams.has('resume'), access, credentials };
    if (this.#workers) {
      // the handshake completes in the worker that will hold the socket; everything else about the client stays here
      const handed = this.#workers.handOff(req, socket, head, (remote) => {
        if (!remote) return;
        const client = this.accept(remote, opts);
        remote.events = this.#eventsOf(client);
      });
      if (!handed) unavailable();
      return;
    }
    this.#server.upgrade(req, socket, head, (ws, deflate) => {
      const events = this.#eventsOf(this.accept(new WsSocket(ws, deflate), opts));
      ws.on('pong', events.pong);
      ws.on('close', events.closed);
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => events.message(data as Buffer, isBinary));
    });
  }

  /** What a connection's socket events do, wherever the socket is held. */
  #eventsOf(client: Client): RemoteEvents {
    return {
      pong: () => this.ponged(client),
      closed: () => this.closed(client),
      message: (data, isBinary) => this.receive(client, data, isBinary),
    };
  }

  /** Process ids of the fan-out workers; empty when sockets are held in this process. */
  get workerPids(): number[] {
    return this.#workers?.pids ?? [];
  }

  /** A connection is open: it is greeted, then sent a snapshot (or, resuming, waits a moment for its resume). */
  accept(socket: LiveSocket, opts: { resuming?: boolean; access?: LiveAccess; credentials?: readonly string[] } = {}): Client {
    const now = Date.now();
    const client = this.#connections.add(socket, now, opts.access, opts.credentials ?? []);
    const hello: ServerMessage = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      serverVersion: this.#opts.serverVersion,
      serverTime: now,
      instance: this.instance,
      resumeToken: `${this.instance}.${client.id}`,
    };
    this.#send(client, JSON.stringify(hello), 'hello');
    if (opts.resuming) {
      client.awaiting = setTimeout(() => {
        client.awaiting = undefined;
        this.#sendSnapshot(client);
      }, RESUME_WAIT_MS);
      client.awaiting.unref();
    } else {
      this.#sendSnapshot(client);
    }
    return client;
  }

  /** It answered a ping: it is alive, and has read what was sent before that ping. */
  ponged(client: Client): void {
    this.#connections.ponged(client);
  }

  /** Its socket closed: it is forgotten, and its scope kept for its resume. */
  closed(client: Client): void {
    this.#connections.forget(client);
  }

  /** A message from a client: checked by its guard, then a resume, a subscribe or an unsubscribe. */
  receive(client: Client, data: Buffer, isBinary: boolean): void {
    const checked = client.guard.check(data, isBinary, Date.now());
    this.#clientMessages.inc({ outcome: checked.kind === 'ok' ? 'ok' : checked.reason });
    if (checked.kind === 'refused') {
      if (checked.disconnect) {
        client.socket.close(ABUSE_CLOSE.code, ABUSE_CLOSE.reason);
        this.#connections.forget(client);
      }
      return;
    }
    const msg = checked.message;
    if (msg.type === 'resume') {
      // a restricted scope is not the client's to change
      const scope = client.access ? undefined : msg.scope;
      return resumeClient(this.#resumeDeps, client, { token: msg.token, seqs: msg.seqs, cursor: msg.cursor, scope });
    }
    if (client.access) return;
    const catchUp = changeScope(client, msg, this.#journal, this.#kpisUnder);
    if (catchUp) this.#send(client, catchUp, 'delta');
  }

  readonly #kpisUnder = (objectiveId: string): readonly string[] => this.#opts.kpisUnder?.(objectiveId) ?? [];

  readonly #resumeDeps = {
    instance: this.instance,
    journal: this.#journal,
    recentScope: (id: number) => this.#connections.recentScope(id),
    kpisUnder: this.#kpisUnder,
    objectives: () => this.#snapshots.get(Date.now()).message.objectives.map((o) => o.state),
    send: (client: Client, frame: string | Buffer | Outgoing, type: ServerMessage['type']) => this.#send(client, frame, type),
    sendSnapshot: (client: Client) => this.#sendSnapshot(client),
    outcome: (outcome: string) => this.#resumes.inc({ outcome }),
  };

  readonly #send = (client: Client, frame: string | Buffer | Outgoing, type: ServerMessage['type']): void =>
    sendFrame(client, frame, type, this.#opts.metrics);

  readonly #sendSnapshot = (client: Client): void => {
    client.needsSnapshot = false;
    if (client.access) {
      const { message } = this.#snapshots.get(Date.now());
      this.#send(client, JSON.stringify(restrictSnapshot(message, client.access)), 'snapshot');
      return;
    }
    // a snapshot reused from up to a second ago, then the deltas that bring it to now
    const [snapshot, ...since] = this.#snapshots.frames(Date.now());
    this.#send(client, snapshot!, 'snapshot');
    for (const delta of since) this.#send(client, delta, 'delta');
  };

  /** Queues changes; the latest state per KPI wins until the next frame, which goes out as soon as the rate allows. */
  publish(
    states: readonly KpiState[],
    sparks: ReadonlyArray<{ id: string; points: SeriesPoint[] }>,
    objectives: readonly ObjectiveState[] = [],
  ): void {
    this.#fanOut.queue(states, sparks, objectives);
  }

  /** The model changed: everyone gets a fresh snapshot, and queued deltas are dropped as it holds them. */
  resync(): void {
    this.#fanOut.absorbPending();
    const message = this.#opts.snapshot();
    this.#journal.recordResync(new Set(message.kpis.map((k) => k.definition.id)));
    const now = Date.now();
    // taken once: the snapshots sent below are this one, cached under the new cursor
    this.#snapshots.get(now, message);
    for (const client of this.#connections) {
      // objectives may have moved: a subscription by objective covers other KPIs now
      client.sub?.resolve(this.#kpisUnder);
      clearTimeout(client.awaiting);
      client.awaiting = undefined;
      if (this.#backpressure.lagging(client, now)) this.#backpressure.fellBehind(client, 0);
      else this.#sendSnapshot(client);
    }
  }

  alertChanged(alert: Alert): void {
    const seq = this.#journal.recordAlert(alert);
    // a client waiting to resume gets this alert in its replay
    this.#fanOut.broadcast({ type: 'alert', serverTime: Date.now(), alert, seq }, { skipAwaiting: true });
  }

  celebrate(milestone: Milestone): void {
    this.#journal.recordMilestone(milestone);
    // a snapshot holds no milestones, so one is never dropped for a lagging client
    this.#fanOut.broadcast({ type: 'milestone', serverTime: Date.now(), milestone }, { undroppable: true });
  }

  /** Closes every connection let in with this credential (a revoked token, an ended session); returns how many. */
  disconnect(credential: string): number {
    return this.#connections.disconnect(credential);
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#fanOut.close();
    this.#connections.closeAll();
    await this.#workers?.close();
    await this.#server.close();
  }
}
