/**
 * The load side of bench/live, in its own process: N WebSocket clients, each subscribed
 * to every benchmark KPI. `slow` of them, spread evenly, are "designated": they read like
 * the others when `slowRead` is set, else they read their snapshot, then pause their
 * socket and never read again. Only the other clients ("fast") are measured, so a run
 * with reading and one with sleeping designated clients compare the same clients: every
 * fast client counts its frames, and "probe" clients (one fast client in PROBE_EVERY, the
 * same ones in every run) also parse them and time each update that carries a newer
 * event: latency = receive time − the state's lastEventTs (the producer's send time).
 *
 * Driven over IPC by run.ts: { connect } → 'connected'; { measure } → clears the
 * counters; { report } → the figures; then it closes everything and exits.
 */
import WebSocket from 'ws';
import type { ServerMessage } from '@northstar/shared';

/** Parsing 1 000 clients' frames would measure this process, not the server: one client in this many is a probe. */
const PROBE_EVERY = 10;
/** Latency histogram resolution: 1 ms buckets up to a minute. */
const MAX_LATENCY_MS = 60_000;
const CONNECT_CONCURRENCY = 50;

export interface ClientsConfig {
  url: string;
  clients: number;
  /** Designated clients: those that never read when `slowRead` is false. */
  slow: number;
  slowRead: boolean;
  kpiIds: string[];
}

export interface ClientsReport {
  seconds: number;
  fastClients: number;
  probes: number;
  framesFast: number;
  bytesFast: number;
  latencySamples: number;
  p50: number;
  p99: number;
  max: number;
  /** Of the latency, the part until the frame was built (event → its serverTime). */
  serverP50: number;
  serverP99: number;
  /** Close codes seen by clients that do not read (and by fast ones, which should be none). */
  slowCloses: Record<string, number>;
  fastCloses: Record<string, number>;
  cpuSeconds: number;
}

interface Conn {
  ws: WebSocket;
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
let bytesFast = 0;
let measuringSince = performance.now();
let cpuAtStart = process.cpuUsage();
const slowCloses: Record<string, number> = {};
const fastCloses: Record<string, number> = {};
const conns: Conn[] = [];

function observe(conn: Conn, data: Buffer): void {
  if (conn.designated) return;
  framesFast += 1;
  bytesFast += data.length;
  if (!conn.probe) return;
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

function percentileOf(p: number, of: Uint32Array = histogram): number {
  const rank = Math.ceil((p / 100) * samples);
  let seen = 0;
  for (let ms = 0; ms < of.length; ms++) {
    seen += of[ms]!;
    if (seen >= rank && rank > 0) return ms;
  }
  return NaN;
}

function open(cfg: ClientsConfig, designated: boolean, probe: boolean): Promise<void> {
  const slow = designated && !cfg.slowRead;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${cfg.url.replace('http', 'ws')}/ws`, { perMessageDeflate: false });
    const conn: Conn = { ws, slow, designated, probe, lastEventTs: new Map() };
    conns.push(conn);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', kpis: cfg.kpiIds })));
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
  const jobs = Array.from({ length: cfg.clients }, (_, i) => i);
  // slow clients spread evenly among the fast ones
  const slowEvery = cfg.slow > 0 ? cfg.clients / cfg.slow : Infinity;
  const isSlow = (i: number) => cfg.slow > 0 && i % Math.round(slowEvery) === Math.round(slowEvery) - 1;
  // the probes are decided by index, so every run measures the same clients
  const fastIndex = new Map<number, number>();
  for (let i = 0; i < cfg.clients; i++) if (!isSlow(i)) fastIndex.set(i, fastIndex.size);
  const next = async (): Promise<void> => {
    for (let i = jobs.shift(); i !== undefined; i = jobs.shift()) {
      const designated = isSlow(i);
      await open(cfg, designated, !designated && fastIndex.get(i)! % PROBE_EVERY === 0);
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
    bytesFast,
    latencySamples: samples,
    p50: percentileOf(50),
    p99: percentileOf(99),
    max: percentileOf(100),
    serverP50: percentileOf(50, serverSide),
    serverP99: percentileOf(99, serverSide),
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
    samples = framesFast = bytesFast = 0;
    for (const k of Object.keys(fastCloses)) delete fastCloses[k];
    measuringSince = performance.now();
    cpuAtStart = process.cpuUsage();
  } else if (m.report) {
    process.send!({ report: report() }, () => {
      for (const c of conns) c.ws.terminate();
      process.exit(0);
    });
  }
});
