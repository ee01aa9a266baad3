import { fork, type ChildProcess } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { LiveSocket } from './client.ts';
import type { Outgoing } from './outgoing.ts';
import type { FromWorker, SocketEvent, SocketOp, ToWorker } from './worker-protocol.ts';

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
/** A worker that does not exit this long after being asked to is killed. */
const EXIT_WAIT_MS = 3_000;
/** A worker that dies sooner than this after it started is restarted after this long, not at once. */
const CRASH_LOOP_MS = 2_000;

/** What the hub hears from a connection held by a worker (what ws's events say in-process). */
export interface RemoteEvents {
  pong(): void;
  message(data: Buffer, binary: boolean): void;
  closed(): void;
}

/**
 * A connection whose socket a fan-out worker holds, as the hub sees it: sends become ops for
 * that worker (a frame shared by many connections crosses to it once), and what the worker
 * reports (queued bytes, pongs, messages, the close) comes back here.
 */
export class RemoteSocket implements LiveSocket {
  readyState = OPEN;
  /** As the worker last reported it (at most a few hundred ms old): enough for a grace period of seconds. */
  bufferedAmount = 0;
  events: RemoteEvents | undefined;
  /** The index of this connection's last op in its worker's current batch, and which batch that was. */
  lastOp = -1;
  lastBatch = -1;

  constructor(
    readonly worker: FanOutWorker,
    readonly conn: number,
    readonly deflate: boolean,
  ) {}

  send(message: Outgoing): void {
    this.worker.send(this, message.wire(this.deflate));
  }

  ping(): void {
    this.worker.ping(this);
  }

  close(code: number, reason: string): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    this.worker.op(this, { k: 'close', conn: this.conn, code, reason });
  }

  terminate(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSING;
    this.worker.op(this, { k: 'terminate', conn: this.conn });
  }

  /** The worker reported its close, or the worker is gone. */
  ended(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.events?.closed();
  }
}

/**
 * One fan-out worker process and the connections it holds. Ops made in one turn of the
 * event loop go to it as one message, in order per connection; a frame sent to many
 * connections is one op naming them all, so its bytes are copied to the worker once.
 */
export class FanOutWorker {
  readonly child: ChildProcess;
  readonly sockets = new Map<number, RemoteSocket>();
  readonly #opening = new Map<number, (socket: RemoteSocket | null) => void>();
  #ops: SocketOp[] = [];
  /** The op of the current batch each frame (or the pings) went into, to add more connections to it. */
  readonly #opOf = new Map<Uint8Array | 'ping', number>();
  #batch = 0;
  exited = false;
  readonly startedAt = Date.now();
  /** Messages wait until the worker listens (its loader and code take a moment to load). */
  #waiting: Array<() => void> | undefined = [];

  constructor(entry: URL, onExit: (worker: FanOutWorker) => void) {
    // no loader flags from the parent: the entry registers its own (socket-worker.mjs)
    this.child = fork(entry, [], { serialization: 'advanced', execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (msg: FromWorker) => {
      if (msg.t === 'events') for (const e of msg.events) this.#event(e);
      else this.#started();
    });
    this.child.on('error', () => undefined); // a send to a dead worker; its exit is what counts
    this.child.once('exit', () => {
      this.exited = true;
      for (const open of this.#opening.values()) open(null);
      this.#opening.clear();
      // sockets not handed over yet: their send fails, and they are closed here
      this.#started();
      for (const s of this.sockets.values()) s.ended();
      this.sockets.clear();
      onExit(this);
    });
    // a server that is not closed (a test, a crash) is not held open by its workers
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  #started(): void {
    const waiting = this.#waiting ?? [];
    this.#waiting = undefined;
    for (const go of waiting) go();
  }

  #whenStarted(go: () => void): void {
    if (this.#waiting) this.#waiting.push(go);
    else go();
  }

  /** Connections held and being opened: what the next connection's worker is chosen by. */
  get load(): number {
    return this.sockets.size + this.#opening.size;
  }

  adopt(conn: number, req: IncomingMessage, socket: Duplex, head: Buffer, open: (socket: RemoteSocket | null) => void): void {
    const msg: ToWorker = { t: 'adopt', conn, req: { method: req.method, url: req.url, headers: req.headers }, head };
    this.#opening.set(conn, open);
    // Sent as a socket of no server: node would otherwise have the HTTP server's close() wait
    // for the worker to report the socket closed, which a worker that exited never does. The
    // server counts it as closed once destroyed here (its handle is the worker's by then).
    (socket as Socket & { server: unknown }).server = null;
    this.#whenStarted(() =>
      this.child.send(msg, socket as Socket, { keepOpen: false }, (err) => {
        socket.destroy();
        if (!err) return;
        this.#opening.delete(conn);
        open(null);
      }),
    );
  }

  send(socket: RemoteSocket, frame: Buffer): void {
    this.#join(socket, frame, () => ({ k: 'send', frame, conns: [] }));
  }

  ping(socket: RemoteSocket): void {
    this.#join(socket, 'ping', () => ({ k: 'ping', conns: [] }));
  }

  op(socket: RemoteSocket, op: SocketOp): void {
    this.#push(op);
    socket.lastOp = this.#ops.length - 1;
    socket.lastBatch = this.#batch;
  }

  /** Joins the batch's op for this frame unless the connection has a later op (its order must hold); else a new op. */
  #join(socket: RemoteSocket, key: Uint8Array | 'ping', make: () => Extract<SocketOp, { conns: number[] }>): void {
    const at = this.#opOf.get(key);
    const last = socket.lastBatch === this.#batch ? socket.lastOp : -1;
    let index: number;
    if (at !== undefined && last < at) index = at;
    else {
      index = this.#push(make());
      this.#opOf.set(key, index);
    }
    (this.#ops[index] as Extract<SocketOp, { conns: number[] }>).conns.push(socket.conn);
    socket.lastOp = index;
    socket.lastBatch = this.#batch;
  }

  #push(op: SocketOp): number {
    if (this.#ops.length === 0) queueMicrotask(() => this.flush());
    return this.#ops.push(op) - 1;
  }

  flush(): void {
    if (this.#ops.length === 0) return;
    const ops = this.#ops;
    this.#ops = [];
    this.#opOf.clear();
    this.#batch += 1;
    this.#whenStarted(() => {
      if (!this.exited && this.child.connected) this.child.send({ t: 'ops', ops } satisfies ToWorker);
    });
  }

  #event(e: SocketEvent): void {
    if (e.k === 'open' || e.k === 'refused') {
      const open = this.#opening.get(e.conn);
      this.#opening.delete(e.conn);
      if (e.k === 'refused') return open?.(null);
      const socket = new RemoteSocket(this, e.conn, e.deflate);
      this.sockets.set(e.conn, socket);
      if (open) open(socket);
      else socket.terminate(); // nobody waits for it any more (the hub closed)
      return;
    }
    const socket = this.sockets.get(e.conn);
    if (!socket) return;
    if (e.k === 'buffered') socket.bufferedAmount = e.bytes;
    else if (e.k === 'pong') socket.events?.pong();
    else if (e.k === 'message') socket.events?.message(Buffer.from(e.data.buffer, e.data.byteOffset, e.data.byteLength), e.binary);
    else {
      this.sockets.delete(e.conn);
      socket.ended();
    }
  }

  /** Asks it to close its connections and exit; kills it if it does not. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.flush();
    this.#whenStarted(() => this.child.connected && this.child.send({ t: 'shutdown' } satisfies ToWorker));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_WAIT_MS);
    await exited;
    clearTimeout(timer);
  }
}

export interface SocketWorkersOptions {
  count: number;
  /** A worker exited while the server runs (its clients see their sockets close and reconnect); it is replaced. */
  onCrash?: (pid: number | undefined, code: number | null, signal: NodeJS.Signals | null) => void;
}

/**
 * The fan-out worker processes: each new connection goes to the one holding the fewest, as
 * a TCP socket handed over after the main process accepted its handshake. A worker that
 * dies takes its sockets with it (their clients reconnect, and resume) and is replaced.
 */
export class SocketWorkers {
  readonly #entry = new URL('./socket-worker.mjs', import.meta.url);
  readonly #workers: FanOutWorker[] = [];
  readonly #opts: SocketWorkersOptions;
  #nextConn = 0;
  #closing = false;

  constructor(opts: SocketWorkersOptions) {
    this.#opts = opts;
    for (let i = 0; i < opts.count; i++) this.#workers.push(this.#start());
  }

  #start(): FanOutWorker {
    const worker = new FanOutWorker(this.#entry, (w) => {
      const at = this.#workers.indexOf(w);
      if (this.#closing || at < 0) return;
      this.#opts.onCrash?.(w.child.pid, w.child.exitCode, w.child.signalCode);
      // one that dies at once (a broken install) is not restarted in a tight loop
      const wait = Date.now() - w.startedAt < CRASH_LOOP_MS ? CRASH_LOOP_MS : 0;
      setTimeout(() => {
        if (!this.#closing && this.#workers[at] === w) this.#workers[at] = this.#start();
      }, wait).unref();
    });
    return worker;
  }

  /** Process ids of the workers (a benchmark sums their memory and CPU; a test kills one). */
  get pids(): number[] {
    return this.#workers.map((w) => w.child.pid).filter((p): p is number => p !== undefined);
  }

  /** Connections being handed over whose handshake has not completed yet. */
  get opening(): number {
    let n = 0;
    for (const w of this.#workers) n += w.load - w.sockets.size;
    return n;
  }

  /**
   * Hands the upgrade's socket to the least loaded worker; `open` gets the connection once its
   * handshake completed, or null. False when no worker runs (one is being restarted).
   */
  handOff(req: IncomingMessage, socket: Duplex, head: Buffer, open: (socket: RemoteSocket | null) => void): boolean {
    const running = this.#workers.filter((w) => !w.exited);
    if (running.length === 0) return false;
    const worker = running.reduce((a, b) => (b.load < a.load ? b : a));
    worker.adopt(++this.#nextConn, req, socket, head, open);
    return true;
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#workers.map((w) => w.stop()));
  }
}
