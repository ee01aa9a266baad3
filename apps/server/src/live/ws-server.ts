import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { acceptsSharedDeflate } from './ws-socket.ts';

/**
 * The hard limit `ws` enforces per message (it closes with 1009 above it); a resume
 * carrying a sequence number per KPI needs more than a few KiB. Messages over
 * MAX_CLIENT_MESSAGE_BYTES but under this are refused and counted, not fatal.
 */
const MAX_CLIENT_PAYLOAD_BYTES = 32 * 1024;
/**
 * permessage-deflate as every browser offers it, without server context takeover, so each
 * frame is compressed once for all its clients (live/outgoing.ts), not once per client; ws
 * itself never compresses (the hub never asks it to), it only inflates what clients send.
 * A 40 KiB delta of 200 KPIs goes out as about 6 KiB: the kernel copies and the clients read
 * a seventh of the bytes, which is what decides fan-out to thousands of screens.
 */
const PER_MESSAGE_DEFLATE = { serverNoContextTakeover: true, threshold: Number.MAX_SAFE_INTEGER } as const;

/** What `ws` reads of a handshake request; a fan-out worker rebuilds it from what the main process sent. */
export type HandshakeRequest = Pick<IncomingMessage, 'method' | 'url' | 'headers'>;

/**
 * Completes WebSocket handshakes the same way wherever the socket is held (the main process,
 * or a fan-out worker it was handed to): one place for the payload limit, the deflate offer,
 * and whether the answer lets frames compressed once for everyone go to this peer.
 */
export class WsServer {
  readonly #wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: MAX_CLIENT_PAYLOAD_BYTES,
    perMessageDeflate: PER_MESSAGE_DEFLATE,
  });
  /** Handshakes answered with shared-deflate permessage-deflate, until their socket is wrapped. */
  readonly #deflating = new WeakSet<object>();

  constructor() {
    // what each handshake agreed to, read from the answer itself (ws keeps it private)
    this.#wss.on('headers', (headers: string[], req: object) => {
      const agreed = headers.find((h) => h.toLowerCase().startsWith('sec-websocket-extensions:'));
      if (acceptsSharedDeflate(agreed?.slice(agreed.indexOf(':') + 1))) this.#deflating.add(req);
    });
  }

  /** `open` gets the connection and whether it takes shared-deflate frames; a bad handshake is answered by ws (400) and `open` never runs. */
  upgrade(req: HandshakeRequest, socket: Duplex, head: Buffer, open: (ws: WebSocket, deflate: boolean) => void): void {
    this.#wss.handleUpgrade(req as IncomingMessage, socket, head, (ws) => open(ws, this.#deflating.delete(req)));
  }

  close(): Promise<void> {
    return new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
