/**
 * A WebSocket client for bench/live that reads frames and counts them without decoding them:
 * a raw TCP socket that does the handshake (offering permessage-deflate like a browser when
 * asked), then walks the frame headers, skips the payloads, answers pings and never inflates
 * or parses. Thousands of these cost the load process little, so the bench measures the
 * server's fan-out rather than its own; the probes (ws clients that parse) measure latency.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface CountingClient {
  /** Complete data messages received, and their bytes as they came over the wire. */
  messages: number;
  wireBytes: number;
  close(): void;
}

/** A masked, empty pong (a client must mask what it sends). */
const PONG = Buffer.from([0x8a, 0x80, 0, 0, 0, 0]);

/** A masked text frame from this client (a zero mask: valid, and the payload stays readable). */
function clientText(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x81, 0x80 | n]) : Buffer.from([0x81, 0x80 | 126, n >> 8, n & 0xff]);
  return Buffer.concat([head, Buffer.alloc(4), payload]);
}

/**
 * Connects, subscribes with `subscribe`, and resolves once the first message arrived. With
 * `stopAfter`, it stops reading for good after that many messages (a wall that hung).
 */
export function openCounting(
  url: string,
  opts: {
    deflate: boolean;
    subscribe: string;
    stopAfter?: number;
    onClose: (code: number) => void;
    onMessage: (c: CountingClient, bytes: number) => void;
  },
): Promise<CountingClient> {
  const u = new URL(url);
  const sock = net.connect(Number(u.port), u.hostname);
  const client: CountingClient = { messages: 0, wireBytes: 0, close: () => sock.destroy() };
  return new Promise((resolve, reject) => {
    let head: Buffer | null = Buffer.alloc(0);
    let pending = Buffer.alloc(0);
    let skip = 0;
    let current = { opcode: 0, fin: false, bytes: 0 };
    let closePayload = Buffer.alloc(0);
    let closeCode = 1006;
    sock.once('error', reject);
    sock.on('close', () => opts.onClose(closeCode));
    sock.on('connect', () =>
      sock.write(
        `GET /ws HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          (opts.deflate ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' : '') +
          '\r\n',
      ),
    );
    const ended = () => {
      if (current.opcode === 8) {
        closeCode = closePayload.length >= 2 ? closePayload.readUInt16BE(0) : 1005;
        sock.end();
        return;
      }
      if (current.opcode === 9) sock.write(PONG);
      if ((current.opcode === 1 || current.opcode === 2 || current.opcode === 0) && current.fin) {
        client.messages += 1;
        client.wireBytes += current.bytes;
        opts.onMessage(client, current.bytes);
        if (client.messages === 1) resolve(client);
        if (opts.stopAfter !== undefined && client.messages >= opts.stopAfter) sock.pause();
      }
    };
    const frames = (chunk: Buffer) => {
      let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      pending = Buffer.alloc(0);
      while (data.length > 0) {
        if (skip > 0) {
          const n = Math.min(skip, data.length);
          // a close frame's code is read from its payload; other payloads are skipped
          if (current.opcode === 8) closePayload = Buffer.concat([closePayload, data.subarray(0, n)]);
          skip -= n;
          data = data.subarray(n);
          if (skip === 0) ended();
          continue;
        }
        if (data.length < 2) break;
        const short = data[1]! & 0x7f;
        const headBytes = short === 126 ? 4 : short === 127 ? 10 : 2;
        if (data.length < headBytes) break;
        const len = short === 126 ? data.readUInt16BE(2) : short === 127 ? Number(data.readBigUInt64BE(2)) : short;
        current = { opcode: data[0]! & 0x0f, fin: (data[0]! & 0x80) !== 0, bytes: headBytes + len };
        data = data.subarray(headBytes);
        skip = len;
        if (len === 0) ended();
      }
      if (data.length > 0) pending = Buffer.from(data);
    };
    sock.on('data', (chunk: Buffer) => {
      if (head === null) return frames(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const status = head.subarray(0, head.indexOf('\r\n')).toString();
      if (!/^HTTP\/1\.1 101 /.test(status)) {
        sock.destroy();
        return reject(new Error(`Unexpected server response: ${status.split(' ')[1]}`));
      }
      const rest = head.subarray(end + 4);
      head = null;
      sock.write(clientText(opts.subscribe));
      if (rest.length > 0) frames(rest);
    });
  });
}
