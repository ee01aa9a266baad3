/**
 * The load side of bench/live, in its own process: N WebSocket clients, each subscribed
 * to every benchmark KPI. Every client counts its frames; "probe" clients (one in
 * PROBE_EVERY) also parse them and time each update that carries a newer event:
 * latency = receive time − the state's lastEventTs (the producer's send time). Slow
 * clients read their snapshot, then pause their socket and never read again.
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
  slow: number;
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
  /** Close codes seen by slow clients (and by fast ones, which should be none). */
  slowCloses: Record<string, number>;
  fastCloses: Record<string, number>;
  cpuSeconds: number;
}

interface Conn {
  ws: WebSocket;
  slow: boolean;
  probe: boolean;
  lastEventTs: Map<string, number>;
}

const histogram = new Uint32Array(MAX_LATENCY_MS + 1);
let samples = 0;
let framesFast = 0;
let bytesFast = 0;
let measuringSince = performance.now();
let cpuAtStart = process.cpuUsage();
const slowCloses: Record<string, number> = {};
const fastCloses: Record<string, number> = {};
const conns: Conn[] = [];

function observe(conn: Conn, data: Buffer): void {
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
    samples += 1;
  }
}

function percentileOf(p: number): number {
  const rank = Math.ceil((p / 100) * samples);
  let seen = 0;
  for (let ms = 0; ms < histogram.length; ms++) {
    seen += histogram[ms]!;
    if (seen >= rank && rank > 0) return ms;
  }
  return NaN;
}

function open(cfg: ClientsConfig, slow: boolean, probe: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${cfg.url.replace('http', 'ws')}/ws`, { perMessageDeflate: false });
    const conn: Conn = { ws, slow, probe, lastEventTs: new Map() };
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
  let fast = 0;
  const next = async (): Promise<void> => {
    for (let i = jobs.shift(); i !== undefined; i = jobs.shift()) {
      const slow = isSlow(i);
      await open(cfg, slow, !slow && fast++ % PROBE_EVERY === 0);
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, next));
}

function report(): ClientsReport {
  const cpu = process.cpuUsage(cpuAtStart);
  const fast = conns.filter((c) => !c.slow);
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
