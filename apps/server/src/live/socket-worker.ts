/**
 * A fan-out worker process (started by socket-workers.ts): it holds a share of the
 * WebSocket connections so that writing each frame to each socket, the kernel `write` that
 * was most of the main thread's time with thousands of screens, runs on another core. It
 * decides nothing about clients: the main process authenticated the upgrade, keeps every
 * client's state and rules, and tells this process which frame goes to which connection.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { SocketEvent, SocketOp, ToWorker } from './worker-protocol.ts';
import { WsServer } from './ws-server.ts';
import { WsSocket } from './ws-socket.ts';

/** Queued bytes are reported this often even when no frame was written (a peer draining). */
const BUFFERED_REPORT_MS = 250;
/** At shutdown, connections get this long to finish their close handshakes. */
const SHUTDOWN_GRACE_MS = 1_000;
const OPEN = 1;

interface Held {
  ws: WebSocket;
  socket: WsSocket;
  /** The queued bytes last reported to the main process. */
  reported: number;
}

const server = new WsServer();
const held = new Map<number, Held>();
let events: SocketEvent[] = [];

/** Events of one turn of the loop go to the main process together. */
function emit(event: SocketEvent): void {
  events.push(event);
  if (events.length === 1) setImmediate(flushEvents);
}

function flushEvents(): void {
  const batch = events;
  events = [];
  if (batch.length > 0 && process.connected) process.send!({ t: 'events', events: batch });
}

function adopt(conn: number, msg: Extract<ToWorker, { t: 'adopt' }>, socket: Socket | undefined): void {
  if (!socket) return emit({ k: 'refused', conn });
  let opened = false;
  socket.on('error', () => socket.destroy());
  socket.once('close', () => {
    if (!opened) emit({ k: 'refused', conn });
  });
  server.upgrade(msg.req, socket, Buffer.from(msg.head), (ws, deflate) => {
    opened = true;
    const h: Held = { ws, socket: new WsSocket(ws, deflate), reported: 0 };
    held.set(conn, h);
    // a lagging peer is sent nothing until it drains: say so at once, not at the next report
    socket.on('drain', () => report(conn, h));
    emit({ k: 'open', conn, deflate });
    ws.on('pong', () => emit({ k: 'pong', conn }));
    ws.on('message', (data, binary) => emit({ k: 'message', conn, data: data as Buffer, binary }));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      held.delete(conn);
      emit({ k: 'closed', conn });
    });
  });
}

function run(op: SocketOp): void {
  if (op.k === 'send' || op.k === 'ping') {
    for (const conn of op.conns) {
      const h = held.get(conn);
      if (!h || h.ws.readyState !== OPEN) continue;
      if (op.k === 'send') h.socket.writeFrame(op.frame);
      else h.socket.ping();
    }
    return;
  }
  const h = held.get(op.conn);
  if (!h) return;
  if (op.k === 'close') h.socket.close(op.code, op.reason);
  else h.socket.terminate();
}

/** Backpressure is the main process's rule; it needs each peer's queued bytes, sent when they change. */
function reportBuffered(): void {
  for (const [conn, h] of held) report(conn, h);
}

function report(conn: number, h: Held): void {
  const bytes = h.ws.bufferedAmount;
  if (bytes === h.reported) return;
  h.reported = bytes;
  emit({ k: 'buffered', conn, bytes });
}

function shutdown(): void {
  void server.close();
  for (const h of held.values()) h.socket.close(1001, 'server shutting down');
  const done = () => process.exit(0);
  if (held.size === 0) return done();
  setTimeout(done, SHUTDOWN_GRACE_MS).unref();
  setInterval(() => held.size === 0 && done(), 50).unref();
}

process.on('message', (msg: ToWorker, handle?: Socket) => {
  if (msg.t === 'adopt') adopt(msg.conn, msg, handle);
  else if (msg.t === 'ops') {
    // a ping measuring a peer's lag rides behind its frame (backpressure.ts): written together
    const corked: WsSocket[] = [];
    for (const op of msg.ops) {
      if (op.k !== 'ping') continue;
      for (const conn of op.conns) {
        const h = held.get(conn);
        if (!h) continue;
        h.socket.cork();
        corked.push(h.socket);
      }
    }
    for (const op of msg.ops) run(op);
    for (const socket of corked) socket.uncork();
    reportBuffered();
  } else shutdown();
});
// the main process is gone: so are its clients' sessions; they reconnect to its successor
process.on('disconnect', () => process.exit(0));
setInterval(reportBuffered, BUFFERED_REPORT_MS);
process.send!({ t: 'ready' });
