/**
 * What the main process and a fan-out worker process (socket-worker.ts) say to each other
 * over the IPC channel (node's `advanced` serialization: Buffers arrive as Uint8Arrays).
 * The main process keeps every rule about clients (who may see what, subscriptions, resume,
 * backpressure, revocation); a worker only holds sockets: it finishes their handshakes,
 * writes the frames it is told to, and reports what the peers did.
 */
import type { HandshakeRequest } from './ws-server.ts';

/** Main → worker: a connection to take over; its TCP socket travels as the message's handle. */
export interface AdoptMessage {
  t: 'adopt';
  /** The connection's number, given by the main process; every later message names it. */
  conn: number;
  req: HandshakeRequest;
  /** Bytes the HTTP parser read past the request head. */
  head: Uint8Array;
}

/** One thing to do to some sockets, in the order the main process asked. */
export type SocketOp =
  /** The same whole WebSocket frame (live/outgoing.ts) to each of these connections: the bytes cross once. */
  | { k: 'send'; frame: Uint8Array; conns: number[] }
  | { k: 'ping'; conns: number[] }
  | { k: 'close'; conn: number; code: number; reason: string }
  | { k: 'terminate'; conn: number };

/** Main → worker: the ops of one turn of the main event loop. */
export interface OpsMessage {
  t: 'ops';
  ops: SocketOp[];
}

export type ToWorker = AdoptMessage | OpsMessage | { t: 'shutdown' };

/** What a peer did, as the worker reports it. */
export type SocketEvent =
  /** The handshake completed; `deflate`: the peer takes frames compressed once for everyone. */
  | { k: 'open'; conn: number; deflate: boolean }
  /** The handshake failed (ws answered it) or the socket closed before it completed. */
  | { k: 'refused'; conn: number }
  | { k: 'message'; conn: number; data: Uint8Array; binary: boolean }
  | { k: 'pong'; conn: number }
  | { k: 'closed'; conn: number }
  /** Bytes queued in the worker for this peer, reported when the figure changed. */
  | { k: 'buffered'; conn: number; bytes: number };

/** Worker → main: the events of one turn of the worker's event loop. */
export interface EventsMessage {
  t: 'events';
  events: SocketEvent[];
}

export type FromWorker = EventsMessage | { t: 'ready' };
