import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { checkHandshake, type HandshakeDeps } from '../auth/handshake.ts';
import type { LiveAccess } from '../live/access.ts';

export interface UpgradeTarget {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, access?: LiveAccess, credentials?: readonly string[]): void;
}

/** A refused handshake as a raw HTTP answer, with a status a client can tell apart (401: sign in again; 403: not allowed). */
export function refusal(status: 401 | 403, reason: string): string {
  const text = status === 401 ? 'Unauthorized' : 'Forbidden';
  return `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`;
}

/** Upgrades on /ws go to the hub once the handshake (auth, origin, board access) allows them; refused before the upgrade otherwise. */
export function answerUpgrades(server: Server, deps: { handshake: HandshakeDeps; hub: UpgradeTarget; log: Logger }): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/ws') return socket.destroy();
    socket.on('error', () => socket.destroy());
    void checkHandshake(req, deps.handshake).then(
      (verdict) => {
        if (verdict.ok) return deps.hub.handleUpgrade(req, socket, head, verdict.access, verdict.credentials);
        socket.end(refusal(verdict.status, verdict.reason));
      },
      (err: Error) => {
        deps.log.warn({ err: err.message }, 'websocket handshake check failed');
        socket.destroy();
      },
    );
  });
}
