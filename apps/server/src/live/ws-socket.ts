import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { LiveSocket } from './client.ts';
import type { Outgoing } from './outgoing.ts';

/**
 * Whether a handshake's answer (its Sec-WebSocket-Extensions) lets the server send messages it
 * compressed on their own: permessage-deflate without server context takeover, and a window
 * of the default 15 bits (a peer asking for a smaller one is sent plain frames).
 */
export function acceptsSharedDeflate(extensionsHeader: string | undefined): boolean {
  if (!extensionsHeader) return false;
  const offer = extensionsHeader.split(',').find((e) => e.trim().startsWith('permessage-deflate'));
  if (!offer) return false;
  const params = new Map(
    offer
      .split(';')
      .slice(1)
      .map((p) => {
        const [k = '', v] = p.trim().split('=');
        return [k.trim(), v?.trim()] as const;
      }),
  );
  const bits = params.get('server_max_window_bits');
  return params.has('server_no_context_takeover') && (bits === undefined || bits === '15');
}

/**
 * A `ws` connection as the hub sends to it: each message as a frame built once for every
 * client (see Outgoing), written straight to the TCP socket. ws's own sender is bypassed for
 * data frames; that is safe because nothing here ever asks ws to compress (its sender only
 * queues while compressing), so its control frames (ping, close) and these writes keep the
 * order they were made in. Reading, pings, closes and bufferedAmount stay ws's.
 */
export class WsSocket implements LiveSocket {
  readonly #ws: WebSocket;
  readonly #deflate: boolean;
  readonly #raw: Duplex;

  constructor(ws: WebSocket, deflate: boolean) {
    this.#ws = ws;
    this.#deflate = deflate;
    // ws keeps the upgraded socket here (not public API; ws is pinned and tests/live-hub covers it)
    this.#raw = (ws as unknown as { _socket: Duplex })._socket;
  }

  get readyState(): number {
    return this.#ws.readyState;
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  send(message: Outgoing): void {
    this.writeFrame(message.wire(this.#deflate));
  }

  /** A whole frame already in this peer's wire form (a fan-out worker gets them so from the main process). */
  writeFrame(frame: Uint8Array): void {
    this.#raw.write(frame);
  }

  /** Writes until uncork() go to the kernel together (a frame and the ping behind it: one syscall, not two). */
  cork(): void {
    this.#raw.cork();
  }

  uncork(): void {
    this.#raw.uncork();
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }

  ping(): void {
    this.#ws.ping();
  }
}
