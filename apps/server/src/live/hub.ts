import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Counter, Gauge } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  PROTOCOL_VERSION,
  kpiUpdate,
  type Alert,
  type ClientMessage,
  type KpiState,
  type LiveScope,
  type Milestone,
  type ObjectiveState,
  type SeriesPoint,
  type ServerMessage,
} from '@northstar/shared';
import type { Metrics } from '../observe/metrics.ts';
import { mayReceive, restrictSnapshot, visibleObjectives, type LiveAccess } from './access.ts';
import { ABUSE_CLOSE, ClientGuard } from './client-guard.ts';
import { buildDelta, encodeObjectives, encodeUpdate, wholeUpdate, type EncodedUpdate } from './frames.ts';
import { LiveJournal } from './journal.ts';
import { EVERYTHING, Subscription } from './subscription.ts';

type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;

export interface HubOptions {
  /** Builds the full snapshot message for a newly connected (or recovering) client. */
  snapshot: () => SnapshotMessage;
  serverVersion: string;
  /** The least time between two frames to a client: updates in between coalesce to the latest per KPI. */
  frameIntervalMs: number;
  heartbeatIntervalMs: number;
  /** Above this many unsent bytes a client skips frames and is resent a snapshot when it drains. */
  maxBufferedBytes: number;
  /** A client over `maxBufferedBytes` this long is disconnected (default SLOW_CLIENT_GRACE_MS). */
  slowClientGraceMs?: number;
  /** Connections per instance (default MAX_CLIENTS). */
  maxClients?: number;
  /** KPI ids linked to an objective or below it, for subscriptions by objective. */
  kpisUnder?: (objectiveId: string) => readonly string[];
  metrics: Metrics;
}

interface Client {
  id: number;
  socket: WebSocket;
  alive: boolean;
  /** Set when frames were skipped: the next frame it gets is a full snapshot. */
  needsSnapshot: boolean;
  /** Since when its unsent bytes have stayed over the cap; null while it keeps up. */
  slowSince: number | null;
  /** null until it subscribes: it gets every KPI. */
  sub: Subscription | null;
  /** Connected with `?resume`: no snapshot until its `resume` arrives or this timer fires. */
  awaiting: NodeJS.Timeout | undefined;
  guard: ClientGuard;
  /** Set for a restricted connection (a kiosk link): its scope is fixed to these KPIs. */
  access: LiveAccess | undefined;
  /** What let it in (a session, a user, a token): ending one of these closes it. */
  credentials: readonly string[];
}

/**
 * The hard limit `ws` enforces per message (it closes with 1009 above it); a resume
 * carrying a sequence number per KPI needs more than a few KiB. Messages over
 * MAX_CLIENT_MESSAGE_BYTES but under this are refused and counted, not fatal.
 */
const MAX_CLIENT_PAYLOAD_BYTES = 32 * 1024;
/** A peer that misses two pings in a row is gone. */
const PING_INTERVAL_MS = 15_000;
/** A client that connected with `?resume` gets a snapshot if its resume does not come within this. */
const RESUME_WAIT_MS = 2_000;
/** Connections build the same snapshot in bursts (a wall of TVs after a deploy): reuse it this long if nothing changed. */
const SNAPSHOT_REUSE_MS = 1_000;
/** Subscriptions of closed connections kept for their resume; the oldest go first. */
const RECENT_SUBSCRIPTIONS = 10_000;
/** A client over the buffer cap this long is not coming back: it is disconnected, with a reason. */
export const SLOW_CLIENT_GRACE_MS = 10_000;
/** The close code and reason a too-slow client gets (4000–4999 are for applications). */
export const SLOW_CLIENT_CLOSE = { code: 4008, reason: 'too slow: updates were not being read' } as const;
/** The close code and reason when what let a client in was revoked or ended. */
export const CREDENTIALS_ENDED_CLOSE = { code: 4001, reason: 'credentials revoked or expired' } as const;
/** Connections per instance: beyond this an upgrade is refused, so memory stays bounded. */
export const MAX_CLIENTS = 5000;

/** A KPI's changes since the last frame; the latest of each part wins. */
interface PendingChange {
  state?: KpiState;
  spark?: SeriesPoint[];
}

/**
 * WebSocket fan-out: a snapshot on connect (or a replay of what a resuming client
 * missed), then at most one delta frame per client per `frameIntervalMs`, holding the
 * latest change of each KPI in its subscription. Sequence numbers are given as a frame
 * goes out, so every client that keeps up holds the previous frame's updates and a
 * change travels as a patch of them (only the fields that changed). Each update is
 * serialised once per frame interval, and each frame once per distinct subscription,
 * shared by every client with that subscription.
 */
export class LiveHub {
  readonly #wss: WebSocketServer;
  readonly #clients = new Set<Client>();
  readonly #pending = new Map<string, PendingChange>();
  readonly #pendingObjectives = new Map<string, ObjectiveState>();
  /** Every objective's newest state, for replays. */
  readonly #objectives = new Map<string, ObjectiveState>();
  readonly #recentSubscriptions = new Map<number, LiveScope>();
  readonly #journal = new LiveJournal();
  readonly #opts: HubOptions;
  readonly #graceMs: number;
  readonly #maxClients: number;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #clientMessages: Counter<'outcome'>;
  readonly #resumes: Counter<'outcome'>;
  /** Sequence numbers are comparable only within one instance: a restart means a snapshot. */
  readonly instance = randomBytes(6).toString('base64url');
  #nextClientId = 0;
  #flushTimer: NodeJS.Timeout | undefined;
  #lastFlushAt = 0;
  #objectivesVersion = 0;
  #snapshotCache: { key: string; builtAt: number; frame: Buffer; message: SnapshotMessage } | undefined;

  constructor(opts: HubOptions) {
    this.#opts = opts;
    this.#graceMs = opts.slowClientGraceMs ?? SLOW_CLIENT_GRACE_MS;
    this.#maxClients = opts.maxClients ?? MAX_CLIENTS;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_PAYLOAD_BYTES, perMessageDeflate: false });
    this.#timers.push(setInterval(() => this.#broadcast({ type: 'heartbeat', serverTime: Date.now() }), opts.heartbeatIntervalMs));
    this.#timers.push(setInterval(() => this.#reapDead(), PING_INTERVAL_MS));
    for (const t of this.#timers) t.unref();
    this.#clientMessages = new Counter({
      name: 'northstar_ws_client_messages_total',
      help: 'Messages from WebSocket clients, by outcome (ok, or why they were refused)',
      labelNames: ['outcome'],
      registers: [opts.metrics.registry],
    });
    const clients = this.#clients;
    new Gauge({
      name: 'northstar_ws_buffered_bytes',
      help: 'Bytes queued in this process for WebSocket clients that have not read them yet; a frame shared by several counts once per client',
      registers: [opts.metrics.registry],
      collect() {
        let total = 0;
        for (const c of clients) total += c.socket.bufferedAmount;
        this.set(total);
      },
    });
    this.#resumes = new Counter({
      name: 'northstar_ws_resumes_total',
      help: 'Resumed WebSocket connections, by what they were sent (replay, or why a snapshot)',
      labelNames: ['outcome'],
      registers: [opts.metrics.registry],
    });
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /**
   * `access`, when given, fixes what this connection may see; `credentials` name what let it
   * in, for disconnect(). Both are decided at the handshake, before this.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, access?: LiveAccess, credentials: readonly string[] = []): void {
    if (this.#clients.size >= this.#maxClients) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const resuming = new URL(req.url ?? '/', 'http://localhost').searchParams.has('resume');
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, resuming, access, credentials));
  }

  #onConnection(socket: WebSocket, resuming: boolean, access: LiveAccess | undefined, credentials: readonly string[]): void {
    const now = Date.now();
    const client: Client = {
      id: ++this.#nextClientId,
      socket,
      alive: true,
      needsSnapshot: false,
      slowSince: null,
      sub: null,
      awaiting: undefined,
      guard: new ClientGuard(now),
      access,
      credentials,
    };
    if (access) {
      client.sub = new Subscription();
      client.sub.add({ kpis: [...access.kpis] });
      client.sub.resolve(this.#kpisUnder);
    }
    this.#clients.add(client);
    this.#opts.metrics.wsClients.set(this.#clients.size);
    socket.on('pong', () => (client.alive = true));
    socket.on('close', () => this.#forget(client));
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => this.#onMessage(client, data as Buffer, isBinary));
    const hello: ServerMessage = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      serverVersion: this.#opts.serverVersion,
      serverTime: now,
      instance: this.instance,
      resumeToken: `${this.instance}.${client.id}`,
    };
    this.#send(client, JSON.stringify(hello), 'hello');
    if (resuming) {
      client.awaiting = setTimeout(() => {
        client.awaiting = undefined;
        this.#sendSnapshot(client);
      }, RESUME_WAIT_MS);
      client.awaiting.unref();
    } else {
      this.#sendSnapshot(client);
    }
  }

  #forget(client: Client): void {
    clearTimeout(client.awaiting);
    if (!this.#clients.delete(client)) return;
    this.#opts.metrics.wsClients.set(this.#clients.size);
    if (client.sub) {
      this.#recentSubscriptions.set(client.id, client.sub.scope);
      if (this.#recentSubscriptions.size > RECENT_SUBSCRIPTIONS) {
        this.#recentSubscriptions.delete(this.#recentSubscriptions.keys().next().value!);
      }
    }
  }

  #onMessage(client: Client, data: Buffer, isBinary: boolean): void {
    const checked = client.guard.check(data, isBinary, Date.now());
    this.#clientMessages.inc({ outcome: checked.kind === 'ok' ? 'ok' : checked.reason });
    if (checked.kind === 'refused') {
      if (checked.disconnect) {
        client.socket.close(ABUSE_CLOSE.code, ABUSE_CLOSE.reason);
        this.#forget(client);
      }
      return;
    }
    const msg: ClientMessage = checked.message;
    // a restricted scope is not the client's to change (#resume ignores its scope too)
    if (msg.type === 'resume') return this.#resume(client, msg.token, msg.seqs, msg.cursor, client.access ? undefined : msg.scope);
    if (client.access) return;
    if (msg.type === 'unsubscribe') {
      // a client that never subscribed gets everything; "everything but" is not a scope
      if (!client.sub) return;
      client.sub.remove(msg);
      client.sub.resolve(this.#kpisUnder);
      return;
    }
    const before = client.sub;
    const hadIds = before ? before.ids : null;
    client.sub ??= new Subscription();
    client.sub.add(msg);
    client.sub.resolve(this.#kpisUnder);
    // KPIs new to its scope changed without it: send their newest, whole, so later patches apply
    if (before && hadIds !== null && client.awaiting === undefined && !client.needsSnapshot) {
      const catchUp: EncodedUpdate[] = [];
      for (const e of this.#journal.entries()) {
        if (!hadIds.has(e.id) && client.sub.includes(e.id)) catchUp.push(wholeUpdate(e));
      }
      const frame = buildDelta(catchUp, '[]');
      if (frame) this.#send(client, frame, 'delta');
    }
  }

  readonly #kpisUnder = (objectiveId: string): readonly string[] => this.#opts.kpisUnder?.(objectiveId) ?? [];

  #resume(client: Client, token: string, seqs: Record<string, number>, cursor: number | undefined, scope: LiveScope | undefined): void {
    clearTimeout(client.awaiting);
    client.awaiting = undefined;
    const dot = token.lastIndexOf('.');
    const sameInstance = token.slice(0, dot) === this.instance;
    // the scope it asks for now, else the one its previous connection had
    const previous = sameInstance && !client.sub ? this.#recentSubscriptions.get(Number(token.slice(dot + 1))) : undefined;
    const wanted = scope ?? previous;
    if (wanted) {
      client.sub = new Subscription();
      client.sub.add(wanted);
      client.sub.resolve(this.#kpisUnder);
    }
    if (!sameInstance) {
      this.#resumes.inc({ outcome: 'snapshot:instance' });
      return this.#sendSnapshot(client);
    }
    const sub = client.sub;
    const plan = this.#journal.plan(seqs, cursor, (id) => !sub || sub.includes(id));
    if (plan.kind === 'snapshot') {
      this.#resumes.inc({ outcome: `snapshot:${plan.reason}` });
      return this.#sendSnapshot(client);
    }
    this.#resumes.inc({ outcome: 'replay' });
    const objectives = [...this.#objectives.values()];
    const objectivesJson = client.access ? visibleObjectives(objectives, client.access) : encodeObjectives(objectives);
    const frame = buildDelta(plan.kpis.map(wholeUpdate), objectivesJson, { replay: true });
    this.#send(client, frame!, 'delta');
    const newestAlert = new Map<string, Alert>(plan.alerts.map((a) => [a.key, a]));
    for (const alert of newestAlert.values()) {
      if (client.access && !client.access.kpis.has(alert.kpi)) continue;
      this.#send(client, JSON.stringify({ type: 'alert', serverTime: Date.now(), alert } satisfies ServerMessage), 'alert');
    }
  }

  /** Queues changes; the latest state per KPI wins until the next frame, which goes out as soon as the rate allows. */
  publish(
    states: readonly KpiState[],
    sparks: ReadonlyArray<{ id: string; points: SeriesPoint[] }>,
    objectives: readonly ObjectiveState[] = [],
  ): void {
    for (const state of states) {
      const queued = this.#pending.get(state.id);
      if (queued) queued.state = state;
      else this.#pending.set(state.id, { state });
    }
    for (const { id, points } of sparks) {
      const queued = this.#pending.get(id);
      if (queued) queued.spark = points;
      else this.#pending.set(id, { spark: points });
    }
    for (const o of objectives) {
      this.#pendingObjectives.set(o.id, o);
      this.#objectives.set(o.id, o);
    }
    if (objectives.length > 0) this.#objectivesVersion += 1;
    if (states.length > 0 || sparks.length > 0 || objectives.length > 0) this.#scheduleFlush();
  }

  /** Leading edge: the first change after a quiet spell goes out at once, later ones wait out the interval. */
  #scheduleFlush(): void {
    if (this.#flushTimer) return;
    const wait = Math.max(0, this.#lastFlushAt + this.#opts.frameIntervalMs - Date.now());
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#flush();
    }, wait);
    this.#flushTimer.unref();
  }

  /** A frame shared by many clients is a Buffer: encoded once, and buffered once however many are behind. */
  #send(client: Client, frame: string | Buffer, type: ServerMessage['type']): void {
    if (client.socket.readyState !== client.socket.OPEN) return;
    client.socket.send(frame, { binary: false });
    this.#opts.metrics.wsFrames.inc({ type });
  }

  #flush(): void {
    const now = Date.now();
    this.#lastFlushAt = now;
    if (this.#pending.size === 0 && this.#pendingObjectives.size === 0) return;
    // numbered now, as they go out: each patches what the previous frame (or a snapshot since) gave
    const updates: EncodedUpdate[] = [];
    for (const [id, change] of this.#pending) {
      const prev = this.#journal.get(id);
      const before = prev && { seq: prev.seq, state: prev.state, spark: prev.spark };
      const entry = this.#journal.recordKpi(id, change);
      updates.push(encodeUpdate(kpiUpdate(id, entry.seq, before, change)));
    }
    const pendingObjectives = [...this.#pendingObjectives.values()];
    const objectivesJson = encodeObjectives(pendingObjectives);
    this.#pending.clear();
    this.#pendingObjectives.clear();
    const frames = new Map<string, Buffer | null>();
    for (const client of this.#clients) {
      if (client.awaiting) continue;
      if (this.#lagging(client, now)) {
        client.needsSnapshot = true; // drop to latest: skip deltas, catch up with one snapshot
        continue;
      }
      if (client.needsSnapshot) {
        this.#sendSnapshot(client);
        continue;
      }
      // a kiosk sees only the objectives above its board, so its frames are built apart
      const key = `${client.access ? 'kiosk:' : ''}${client.sub?.key ?? EVERYTHING}`;
      let frame = frames.get(key);
      if (frame === undefined) {
        const objectives = client.access ? visibleObjectives(pendingObjectives, client.access) : objectivesJson;
        frame = buildDelta(updates, objectives, { ids: client.sub?.ids, nowMs: now });
        frames.set(key, frame);
      }
      if (frame) this.#send(client, frame, 'delta');
    }
  }

  /** `built`: a snapshot just taken from the model, to encode and cache instead of taking another. */
  #snapshotFrame(built?: SnapshotMessage): { frame: Buffer; message: SnapshotMessage } {
    const now = Date.now();
    const key = `${this.#journal.cursor}:${this.#objectivesVersion}`;
    const cached = this.#snapshotCache;
    if (!built && cached && cached.key === key && now - cached.builtAt < SNAPSHOT_REUSE_MS) return cached;
    const message = built ?? this.#opts.snapshot();
    // the states clients got in deltas (with their detectors' word), so a snapshot and the deltas agree
    for (const kpi of message.kpis) {
      const entry = this.#journal.get(kpi.definition.id);
      if (entry?.state) kpi.state = entry.state;
      if (entry?.spark) kpi.spark = entry.spark;
    }
    message.seqs = this.#journal.seqs(message.kpis.map((k) => k.definition.id));
    message.cursor = this.#journal.cursor;
    this.#snapshotCache = { key, builtAt: now, frame: Buffer.from(JSON.stringify(message)), message };
    return this.#snapshotCache;
  }

  #sendSnapshot(client: Client): void {
    if (client.access) {
      const { message } = this.#snapshotFrame();
      client.needsSnapshot = false;
      this.#send(client, JSON.stringify(restrictSnapshot(message, client.access)), 'snapshot');
      return;
    }
    const { frame } = this.#snapshotFrame();
    client.needsSnapshot = false;
    this.#send(client, frame, 'snapshot');
  }

  /** The model changed: everyone gets a fresh snapshot, and queued deltas are dropped as it holds them. */
  resync(): void {
    // changes not yet sent go into the journal, so the snapshots below hold them
    for (const [id, change] of this.#pending) this.#journal.recordKpi(id, change);
    this.#pending.clear();
    this.#pendingObjectives.clear();
    const message = this.#opts.snapshot();
    this.#journal.recordResync(new Set(message.kpis.map((k) => k.definition.id)));
    // taken once: the snapshots sent below are this one, cached under the new cursor
    this.#snapshotFrame(message);
    const now = Date.now();
    for (const client of this.#clients) {
      // objectives may have moved: a subscription by objective covers other KPIs now
      client.sub?.resolve(this.#kpisUnder);
      clearTimeout(client.awaiting);
      client.awaiting = undefined;
      if (this.#lagging(client, now)) client.needsSnapshot = true;
      else this.#sendSnapshot(client);
    }
  }

  alertChanged(alert: Alert): void {
    const seq = this.#journal.recordAlert(alert);
    // a client waiting to resume gets this alert in its replay
    this.#broadcast({ type: 'alert', serverTime: Date.now(), alert, seq }, { skipAwaiting: true });
  }

  celebrate(milestone: Milestone): void {
    this.#broadcast({ type: 'milestone', serverTime: Date.now(), milestone });
  }

  #broadcast(message: ServerMessage, opts: { skipAwaiting?: boolean } = {}): void {
    const frame = Buffer.from(JSON.stringify(message));
    const now = Date.now();
    for (const client of this.#clients) {
      if (opts.skipAwaiting && client.awaiting) continue;
      if (!mayReceive(client.access, message)) continue;
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
    if (now - client.slowSince > this.#graceMs) {
      this.#opts.metrics.wsEvictions.inc();
      client.socket.close(SLOW_CLIENT_CLOSE.code, SLOW_CLIENT_CLOSE.reason);
      // a peer that does not read will not complete the close handshake either
      setTimeout(() => client.socket.terminate(), 1000).unref();
      this.#forget(client);
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

  /** Closes every connection let in with this credential (a revoked token, an ended session); returns how many. */
  disconnect(credential: string): number {
    let closed = 0;
    for (const client of this.#clients) {
      if (!client.credentials.includes(credential)) continue;
      client.socket.close(CREDENTIALS_ENDED_CLOSE.code, CREDENTIALS_ENDED_CLOSE.reason);
      this.#forget(client);
      closed += 1;
    }
    return closed;
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    clearTimeout(this.#flushTimer);
    for (const client of this.#clients) {
      clearTimeout(client.awaiting);
      client.socket.close(1001, 'server shutting down');
    }
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
