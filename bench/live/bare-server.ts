/**
 * The naive baseline of bench/live, in its own process: a bare `ws` server on loopback that
 * broadcasts one frame of the product's size to every client `rate` times a second. No
 * store, no evaluation, no coalescing, no backpressure: a tick's "events" are stamped when
 * the tick starts and the frame goes out at once, so its latency is delivery alone, what this
 * box gives for those bytes to those clients. The frame has the shape the clients already
 * read (a delta whose KPIs carry `lastEventTs`), padded to `frameBytes`.
 *
 * It starts sending when told ({ broadcast }), once the clients are connected: a naive server
 * blasting 40 KiB frames at thousands of sockets cannot even answer their handshakes in time,
 * so it is measured in its steady state only, which flatters it, if anything.
 *
 * Driven over IPC by run.ts: { start } → { listening: url }; { broadcast }; { stop } → { stats }, then it exits.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface BareConfig {
  kpiIds: string[];
  rate: number;
  /** The product's mean delta frame size, measured by the clients in its phase 1. */
  frameBytes: number;
}

export interface BareStats {
  frames: number;
  /** Time spent building and sending each tick's frame, p99, ms. */
  broadcastP99Ms: number;
}

/** A delta frame with every KPI's `lastEventTs` = `ts`, padded (one field per KPI) to about `bytes`. */
export function bareFrame(kpiIds: readonly string[], ts: number, seq: number, bytes: number): Buffer {
  const bare = (pad: string) =>
    `{"type":"delta","serverTime":${ts},"kpis":[${kpiIds.map((id, i) => `{"id":"${id}","seq":${seq + i},"set":{"lastEventTs":${ts}${pad}}}`).join(',')}],"objectives":[]}`;
  const without = Buffer.byteLength(bare(''));
  const perKpi = Math.max(0, Math.floor((bytes - without) / kpiIds.length) - ',"pad":""'.length);
  return Buffer.from(bare(perKpi > 0 ? `,"pad":"${'x'.repeat(perKpi)}"` : ''));
}

function start(cfg: BareConfig): Promise<{ url: string; broadcast: () => void; stop: () => BareStats }> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false });
  const clients = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => ws.terminate());
    // what the clients wait for before they count as connected (a slow one stops reading after it)
    ws.send(JSON.stringify({ type: 'snapshot', serverTime: Date.now(), objectives: [], kpis: [], goals: [], alerts: [] }));
  });
  let seq = 0;
  let frames = 0;
  const spent: number[] = [];
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const began = performance.now();
    const frame = bareFrame(cfg.kpiIds, Date.now(), seq, cfg.frameBytes);
    seq += cfg.kpiIds.length;
    for (const ws of clients) if (ws.readyState === 1) ws.send(frame, { binary: false });
    frames += 1;
    spent.push(performance.now() - began);
  };
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        broadcast: () => (timer ??= setInterval(tick, 1000 / cfg.rate)),
        stop: () => {
          clearInterval(timer);
          spent.sort((a, b) => a - b);
          return { frames, broadcastP99Ms: spent[Math.floor(spent.length * 0.99)] ?? NaN };
        },
      });
    }),
  );
}

if (process.send) {
  let running: Awaited<ReturnType<typeof start>> | undefined;
  process.on('message', (m: { start?: BareConfig; broadcast?: true; stop?: true }) => {
    if (m.start) void start(m.start).then((r) => ((running = r), process.send!({ listening: r.url })));
    else if (m.broadcast) running?.broadcast();
    else if (m.stop && running) process.send!({ stats: running.stop() }, () => process.exit(0));
  });
}
