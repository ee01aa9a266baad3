import type { ServerMessage } from '@northstar/shared';
import type { Metrics } from '../observe/metrics.ts';
import type { LiveAccess } from './access.ts';
import type { ClientGuard } from './client-guard.ts';
import { Outgoing } from './outgoing.ts';
import type { Subscription } from './subscription.ts';

/** The readyState of an open WebSocket (the standard's value, which `ws` uses). */
export const SOCKET_OPEN = 1;

/**
 * What the hub needs of a connection's socket: a `ws` WebSocket has it, and so does a unit
 * test's fake. Events are wired by the hub's upgrade handler, not read from here.
 */
export interface LiveSocket {
  readonly readyState: number;
  /** Bytes queued in this process that the peer has not read yet. */
  readonly bufferedAmount: number;
  /** One text message, in the wire form this peer negotiated. */
  send(message: Outgoing): void;
  close(code: number, reason: string): void;
  terminate(): void;
  ping(): void;
}

/** One connection as the hub's modules see it. */
export interface Client {
  id: number;
  socket: LiveSocket;
  alive: boolean;
  /**
   * Set when it fell behind and frames were skipped: it is sent nothing until it catches up,
   * then what changed since `heldCursor` in one frame (or a snapshot, catch-up.ts).
   */
  needsSnapshot: boolean;
  /** While `needsSnapshot`: the journal's cursor up to which it was sent everything (0: it needs a snapshot). */
  heldCursor: number;
  /** Send times of its pings not answered yet, oldest first: a pong answers the oldest, so the first is how far behind it reads. */
  pings: number[];
  /** When it was last sent a ping to measure how far behind it reads. */
  probedAt: number;
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
 * Sends one message to one client if its socket is open, and counts it. A shared Outgoing is
 * encoded (and compressed) once and buffered once however many clients are behind.
 */
export function sendFrame(
  client: Client,
  frame: string | Buffer | Outgoing,
  type: ServerMessage['type'],
  metrics: Pick<Metrics, 'wsFrames'>,
): void {
  if (client.socket.readyState !== SOCKET_OPEN) return;
  client.socket.send(frame instanceof Outgoing ? frame : new Outgoing(frame));
  metrics.wsFrames.inc({ type });
}
