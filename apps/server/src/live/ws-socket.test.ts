import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Outgoing } from './outgoing.ts';
import { acceptsSharedDeflate, WsSocket } from './ws-socket.ts';

describe('acceptsSharedDeflate', () => {
  it('accepts permessage-deflate without server context takeover and with the default window only', () => {
    expect(acceptsSharedDeflate(' permessage-deflate; server_no_context_takeover')).toBe(true);
    expect(acceptsSharedDeflate('permessage-deflate; server_no_context_takeover; client_max_window_bits=15')).toBe(true);
    expect(acceptsSharedDeflate('permessage-deflate; server_no_context_takeover; server_max_window_bits=15')).toBe(true);
    expect(acceptsSharedDeflate('permessage-deflate; server_no_context_takeover; server_max_window_bits=10')).toBe(false);
    expect(acceptsSharedDeflate('permessage-deflate')).toBe(false);
    expect(acceptsSharedDeflate(undefined)).toBe(false);
    expect(acceptsSharedDeflate('x-webkit-deflate-frame')).toBe(false);
  });
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

/** A real ws server whose connections are wrapped as the hub wraps them, and a real ws client. */
async function pair(clientDeflate: boolean): Promise<{ server: WsSocket; received: string[]; client: WebSocket }> {
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: { serverNoContextTakeover: true, threshold: Number.MAX_SAFE_INTEGER },
  });
  let agreed: string | undefined;
  wss.on('headers', (headers) => (agreed = headers.find((h) => h.toLowerCase().startsWith('sec-websocket-extensions:'))));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<WsSocket>((resolve) =>
    wss.on('connection', (ws) => resolve(new WsSocket(ws, acceptsSharedDeflate(agreed?.slice(agreed.indexOf(':') + 1))))),
  );
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`, { perMessageDeflate: clientDeflate });
  const received: string[] = [];
  client.on('message', (d) => received.push(String(d)));
  await new Promise((resolve) => client.once('open', resolve));
  cleanup.push(async () => {
    client.terminate();
    wss.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return { server: await accepted, received, client };
}

describe('WsSocket', () => {
  it.each([true, false])(
    'delivers shared frames in order, between ws pings and before its close (client offers deflate: %s)',
    async (deflate) => {
      const { server, received, client } = await pair(deflate);
      const big = new Outgoing(JSON.stringify({ type: 'delta', kpis: Array.from({ length: 300 }, (_, i) => ({ id: `k${i}`, v: i })) }));
      const pongs: number[] = [];
      client.on('ping', () => pongs.push(received.length));
      server.send(new Outgoing('{"type":"hello"}'));
      server.ping();
      server.send(big);
      server.send(big);
      const closed = new Promise<number>((resolve) => client.once('close', resolve));
      server.close(4008, 'too slow');
      expect(await closed).toBe(4008);
      expect(received).toEqual(['{"type":"hello"}', big.text.toString(), big.text.toString()]);
      expect(pongs).toEqual([1]);
      // a client that offered deflate was sent the compressed form
      expect(big.wire(true).length < big.wire(false).length).toBe(true);
    },
  );
});
