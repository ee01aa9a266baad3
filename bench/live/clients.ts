/**
 * The load side of bench/live, in its own process: N WebSocket clients, each subscribed
 * to every benchmark KPI. One client in `slow`, spread evenly, is "designated": they read like
 * the others when `slowRead` is set, else they read their snapshot, then pause their
 * socket and never read again. Only the other clients ("fast") are measured, so a run
 * with reading and one with sleeping designated clients compare the same clients: every
 * fast client counts its frames, and "probe" clients (one client in `probeEvery`, the
 * same ones in every run) also parse them and time each update that carries a newer
 * event: latency = receive time − the state's lastEventTs (the producer's send time).
 *
 * Driven over IPC by run.ts: { connect } → 'connected'; { measure } → clears the
 * counters; { report } → the figures; then it closes everything and exits.
 */
import WebSocket from 'ws';
import type { ServerMessage } from '@northstar/shared';
import { openCounting, type CountingClient } from './counting-client.ts';

/** Latency histogram resolution: 1 ms buckets up to a minute. */
const MAX_LATENCY_MS = 60_000;
const CONNECT_CONCURRENCY = 50;
/** A server that cannot take its clients in this long is reported as such, not waited for: the run stays bounded. */
const CONNECT_DEADLINE_MS = 120_000;
let notConnected = 0;

export interface ClientsConfig {
  url: string;
  clients: number;
  /** This process's clients are numbers `first` … `first + clients - 1` of the whole run (two processes share one numbering). */
  first: number;
  /** Parsing thousands of clients' frames would measure this process, not the server: one client in this many is a probe. */
  probeEvery: number;
  /** The counting clients offer permessage-deflate, as browsers do. */
  deflate: boolean;
  /**
   * The probes offer it too. Off by default: ws's client inflates on the thread pool, one
   * message at a time per socket, and on a loaded box that queue, not the server, decides
   * their latency (the server sends probes and counting clients the same frame in one loop).
   */
  probeDeflate: boolean;
  /** Designated clients: one in this many (0: none), those that never read when `slowRead` is false. */
  slow: number;
  slowRead: boolean;
  kpiIds: string[];
}

export interface ClientsReport {
  seconds: number;
  fastClients: number;
  probes: number;
  /** Messages the fast clients received. */
  framesFast: number;
  /** Messages and their bytes on the wire (compressed when the server deflates), as the counting clients saw them. */
  framesCounted: number;
  wireBytes: number;
  /** Messages and their JSON bytes (inflated), as the probes saw them. */
  framesProbed: number;
  jsonBytes: number;
  latencySamples: number;
  /** Latency histogram, sparse: [ms, count] pairs, to merge with another process's. */
  latency: Array<[number, number]>;
  /** Of the latency, the part until the frame was built (event → its serverTime). */
  serverSide: Array<[number, number]>;
  /** Handshakes the server refused or failed (each retried once). */
  refused: Record<string, number>;
  /** Clients not connected by the deadline. */
  notConnected: number;
  /** Close codes seen by clients that do not read (and by fast ones, which should be none). */
  slowCloses: Record<string, number>;
  fastCloses: Record<string, number>;
  cpuSeconds: number;
}

interface Conn {
  /** A probe is a ws client that parses; every other client only counts (counting-client.ts). */
  ws?: WebSocket;
  raw?: CountingClient;
  /** Designated and not reading. */
  slow: boolean;
  /** Designated: read (when not slow) but not measured. */
  designated: boolean;
  probe: boolean;
  lastEventTs: Map<string, number>;
}

const histogram = new Uint32Array(MAX_LATENCY_MS + 1);
/** The part of it before the frame left the server: event → the frame's serverTime. */
const serverSide = new Uint32Array(MAX_LATENCY_MS + 1);
let samples = 0;
let framesFast = 0;
let framesCounted = 0;
let wireBytes = 0;
let framesProbed = 0;
let jsonBytes = 0;
let measuringSince = performance.now();
let cpuAtStart = process.cpuUsage();
const slowCloses: Record<string, number> = {};
const fastCloses: Record<string, number> = {};
const conns: Conn[] = [];

function observe(conn: Conn, data: Buffer): void {
  if (conn.designated) return;
  framesFast += 1;
  framesProbed += 1;
  jsonBytes += data.length;
  const now = Date.now();
  const msg = JSON.parse(data.toString('utf8')) as ServerMessage;
  // a patch carries lastEventTs only when it changed, which is when a newer event is behind it
  const states =
    msg.type === 'delta'
      ? msg.kpis.map((k) => ({ id: k.id, lastEventTs: (k.state ?? k.set)?.lastEventTs }))
      : msg.type === 'snapshot'
        ? msg.kpis.map((k) => k.state)
        : [];
  for (const s of states) {
    if (s.lastEventTs === null || s.lastEventTs === undefined) continue;
    const seen = conn.lastEventTs.get(s.id);
    if (seen !== undefined && s.lastEventTs <= seen) continue; // no newer event behind this update
    conn.lastEventTs.set(s.id, s.lastEventTs);
    if (msg.type === 'snapshot') continue; // the starting point, not an update
    histogram[Math.min(MAX_LATENCY_MS, Math.max(0, now - s.lastEventTs))]! += 1;
    serverSide[Math.min(MAX_LATENCY_MS, Math.max(0, msg.serverTime - s.lastEventTs))]! += 1;
    samples += 1;
  }
}

const sparse = (of: Uint32Array): Array<[number, number]> => [...of.entries()].filter(([, n]) => n > 0);
const refused: Record<string, number> = {};

/** One retry after a refused handshake (a server busy sending may answer an upgrade late): counted, not fatal. */
async function open(cfg: ClientsConfig, designated: boolean, probe: boolean): Promise<void> {
  try {
    await openOnce(cfg, designated, probe);
  } catch (err) {
    const why = (err as Error).message.replace(/^Unexpected server response: /, 'HTTP ');
    refused[why] = (refused[why] ?? 0) + 1;
    await new Promise((r) => setTimeout(r, 1_000));
    await openOnce(cfg, designated, probe);
  }
}

async function openOnce(cfg: ClientsConfig, designated: boolean, probe: boolean): Promise<void> {
  const slow = designated && !cfg.slowRead;
  if (!probe) {
    const conn: Conn = { slow, designated, probe, lastEventTs: new Map() };
    conn.raw = await openCounting(cfg.url, {
      deflate: cfg.deflate,
      subscribe: JSON.stringify({ type: 'subscribe', kpis: cfg.kpiIds }),
      // a slow client reads its hello and snapshot, then stops reading for good
      stopAfter: slow ? 2 : undefined,
      onClose: (code) => {
        const into = slow ? slowCloses : fastCloses;
        into[code] = (into[code] ?? 0) + 1;
      },
      onMessage: (_c, bytes) => {
        if (designated) return;
        framesFast += 1;
        framesCounted += 1;
        wireBytes += bytes;
      },
    });
    conns.push(conn);
    return;
  }
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${cfg.url.replace('http', 'ws')}/ws`, { perMessageDeflate: cfg.probeDeflate });
    const conn: Conn = { ws, slow, designated, probe, lastEventTs: new Map() };
    ws.once('open', () => {
      conns.push(conn);
      ws.send(JSON.stringify({ type: 'subscribe', kpis: cfg.kpiIds }));
    });
    ws.once('error', reject);
    ws.on('close', (code) => {
      const into = slow ? slowCloses : fastCloses;
      into[code] = (into[code] ?? 0) + 1;
    });
    ws.on('message', (data: Buffer) => {
      if (!slow) return observe(conn, data);
      // a slow client reads its hello and snapshot, then stops reading for good
      if (data.includes('"type":"snapshot"')) {
        ws.pause();
        resolve();
      }
    });
    if (!slow) ws.once('message', () => resolve());
  });
}

async function connectAll(cfg: ClientsConfig): Promise<void> {
  const jobs = Array.from({ length: cfg.clients }, (_, i) => cfg.first + i);
  // slow clients spread evenly among the fast ones (cfg.slow is one in this many)
  const isSlow = (i: number) => cfg.slow > 0 && i % cfg.slow === cfg.slow - 1;
  // the probes are decided by number, so every run measures the same clients
  const isProbe = (i: number) => i % cfg.probeEvery === 0;
  const deadline = performance.now() + CONNECT_DEADLINE_MS;
  const next = async (): Promise<void> => {
    for (let i = jobs.shift(); i !== undefined; i = jobs.shift()) {
      if (performance.now() > deadline) {
        notConnected += 1 + jobs.length;
        jobs.length = 0;
        return;
      }
      const designated = isSlow(i);
      await open(cfg, designated, !designated && isProbe(i));
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, next));
}

function report(): ClientsReport {
  const cpu = process.cpuUsage(cpuAtStart);
  const fast = conns.filter((c) => !c.designated);
  return {
    seconds: (performance.now() - measuringSince) / 1000,
    fastClients: fast.length,
    probes: fast.filter((c) => c.probe).length,
    framesFast,
    framesCounted,
    wireBytes,
    framesProbed,
    jsonBytes,
    latencySamples: samples,
    latency: sparse(histogram),
    serverSide: sparse(serverSide),
    refused,
    notConnected,
    slowCloses,
    fastCloses,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

let cfg: ClientsConfig | undefined;
process.on('message', (m: { connect?: ClientsConfig; measure?: true; report?: true }) => {
  if (m.connect) {
    cfg = m.connect;
    connectAll(cfg).then(
      () => process.send!({ connected: conns.length }),
      (err: Error) => process.send!({ error: err.message }),
    );
  } else if (m.measure) {
    histogram.fill(0);
    serverSide.fill(0);
    samples = framesFast = framesCounted = wireBytes = framesProbed = jsonBytes = 0;
    for (const k of Object.keys(fastCloses)) delete fastCloses[k];
    measuringSince = performance.now();
    cpuAtStart = process.cpuUsage();
  } else if (m.report) {
    process.send!({ report: report() }, () => {
      for (const c of conns) {
        c.ws?.terminate();
        c.raw?.close();
      }
      process.exit(0);
    });
  }
});
