/**
 * Ingest benchmark, HTTP: events/s through POST /api/v1/events (NDJSON) into chdb.
 *
 *   node --import tsx bench/ingest-http.ts [--events 2000000] [--concurrency 4]
 *        [--batch 10000] [--bodies 20] [--seconds 60] [--no-ids] [--baseline-events 1000000]
 *   (or BENCH_EVENTS, BENCH_CONCURRENCY, BENCH_BATCH, BENCH_BODIES, BENCH_SECONDS, BENCH_BASELINE_EVENTS)
 *
 * Every event carries a unique id (the server checks each against the store, so a
 * repeat would be dropped): the bodies are templates whose ids get the request's
 * number spliced in before sending. --no-ids sends the same events without ids,
 * which skips the server's id check: the difference is what idempotency costs.
 *
 * The server runs in its own process (spawned from the repository root with a fresh
 * data directory and LOG_LEVEL=warn); this process only sends pre-built bodies, so its
 * own cost is a keep-alive socket write per request. It stops after --events events or
 * --seconds seconds, whichever comes first, checks the server's
 * northstar_events_stored_total{source="http"} against the accepted count, and stops
 * the server with SIGTERM. It runs the bare engine on the same rows (engine-baseline.ts) just
 * before and just after, and prints the product's events/s and CPU per event as ratios to it.
 * BENCH_SERVER_ROOT=<checkout> runs another checkout's server (before/after; the load and
 * the baseline stay this checkout's, so only the server differs).
 */
import http from 'node:http';
import {
  baselineLines,
  cpuBreakdown,
  describeBatches,
  eventFactory,
  fmt,
  machineNote,
  numberOption,
  percentile,
  REPO_ROOT,
  readMetrics,
  rssMiB,
  runEngineBaseline,
  sleep,
  spawnServer,
  threadCpu,
  waitReady,
  wantsHelp,
} from './support.ts';

if (wantsHelp()) {
  process.stdout.write(
    'usage: node --import tsx bench/ingest-http.ts [--events N] [--concurrency K] [--batch EVENTS_PER_REQUEST] [--bodies DISTINCT_BODIES] [--seconds CAP] [--no-ids] [--baseline-events N]\n',
  );
  process.exit(0);
}

const TOTAL_EVENTS = numberOption('events', 2_000_000);
const CONCURRENCY = numberOption('concurrency', 4);
const BATCH = numberOption('batch', 10_000);
const BODIES = numberOption('bodies', 20);
const TIME_CAP_S = numberOption('seconds', 60);
const WITH_IDS = !process.argv.includes('--no-ids');
/** Rows the bare-engine baseline inserts (20 000 per insert) after the product's run. */
const BASELINE_EVENTS = numberOption('baseline-events', 1_000_000);
/** A single request that takes longer than this fails the run instead of hanging it. */
const REQUEST_TIMEOUT_MS = 60_000;

interface Reply {
  status: number;
  body: string;
  ms: number;
}

function post(agent: http.Agent, url: URL, body: Buffer): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - started }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request took longer than ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  // 1. bodies first, so building them costs the measurement nothing
  const buildStarted = performance.now();
  const runId = `bench-http-${Date.now()}`;
  const next = eventFactory(runId);
  const now = Date.now();
  const bodies: Buffer[] = [];
  const templates: string[] = [];
  for (let b = 0; b < BODIES; b++) {
    let text = '';
    for (let i = 0; i < BATCH; i++) {
      const e = next(now);
      text += JSON.stringify(WITH_IDS ? e : { ...e, id: undefined }) + '\n';
    }
    templates.push(text);
    bodies.push(Buffer.from(text));
  }
  // Request n sends template n % BODIES with "-r<n>" in every id (unique across the run) and
  // the send time as ts, as a live producer would: the server's id check reads the stored ids
  // of the batch's metrics and time range, so 2 M events at one timestamp would be its worst case.
  const idPrefix = `"id":"${runId}-`;
  const tsField = `"ts":${now},`;
  const bodyFor = (n: number): Buffer =>
    WITH_IDS
      ? Buffer.from(templates[n % templates.length]!.replaceAll(idPrefix, `${idPrefix}r${n}-`).replaceAll(tsField, `"ts":${Date.now()},`))
      : bodies[n % bodies.length]!;
  const avgBytes = bodies.reduce((s, b) => s + b.length, 0) / bodies.length;
  process.stdout.write(
    `built ${BODIES} NDJSON bodies of ${fmt(BATCH)} events (avg ${(avgBytes / 1024 / 1024).toFixed(2)} MiB, ${Math.round(avgBytes / BATCH)} B/event) in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s\n`,
  );

  // 2. the bare engine now, and again after the run (the ratios are to the mean of both)
  const baselineBefore = await runEngineBaseline(Math.min(BASELINE_EVENTS, TOTAL_EVENTS));

  // 3. the server, in its own process
  const server = await spawnServer({}, { root: process.env.BENCH_SERVER_ROOT ?? REPO_ROOT });
  let stopped = false;
  try {
    await waitReady(server);
    const readyRss = rssMiB(server.pid);
    process.stdout.write(
      `server pid ${server.pid} ready at ${server.url} after ${((performance.now() - server.spawnedAt) / 1000).toFixed(1)} s (RSS ${readyRss.rss.toFixed(0)} MiB)\n`,
    );

    // 4. load: K workers, each sending one request at a time
    const url = new URL('/api/v1/events', server.url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const requestsWanted = Math.ceil(TOTAL_EVENTS / BATCH);
    let issued = 0;
    let accepted = 0;
    let requests = 0;
    let busy = 0;
    const latencies: number[] = [];
    const cpuBefore = threadCpu(server.pid);
    const started = performance.now();
    const deadline = started + TIME_CAP_S * 1000;
    let timeCapped = false;

    const progress = setInterval(() => {
      const s = (performance.now() - started) / 1000;
      process.stdout.write(`  ${s.toFixed(0)} s: ${fmt(accepted)} accepted, ${fmt(accepted / s)} events/s\n`);
    }, 5_000);

    const worker = async () => {
      for (;;) {
        if (performance.now() >= deadline) {
          timeCapped = issued < requestsWanted;
          return;
        }
        if (issued >= requestsWanted) return;
        const n = issued++;
        const body = bodyFor(n);
        for (;;) {
          const reply = await post(agent, url, body);
          requests++;
          if (reply.status === 202) {
            latencies.push(reply.ms);
            accepted += (JSON.parse(reply.body) as { accepted: number }).accepted;
            break;
          }
          if (reply.status === 503) {
            // backpressure (or the store refused): wait as asked, send the same body again
            busy++;
            if (performance.now() >= deadline) return;
            await sleep(200);
            continue;
          }
          throw new Error(`POST /api/v1/events answered ${reply.status}: ${reply.body.slice(0, 300)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const elapsedS = (performance.now() - started) / 1000;
    clearInterval(progress);
    agent.destroy();
    const cpuAfter = threadCpu(server.pid);
    const rss = rssMiB(server.pid);

    // 5. a 202 means "stored": the counter must already agree
    const metrics = await readMetrics(server.url);
    const stored = metrics.stored.http ?? 0;
    const rejected = metrics.rejected.http ?? 0;

    const stop = await server.stop();
    stopped = true;
    // the bare engine, on the same machine a moment later: the ratios are what hold on a shared box
    const baselineAfter = await runEngineBaseline(Math.min(BASELINE_EVENTS, Math.max(accepted, 20_000)));

    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const rate = accepted / elapsedS;
    const cpu = cpuBreakdown(cpuBefore, cpuAfter, elapsedS);
    const ok = stored === accepted && rejected === 0;
    const cpuPerMillion = cpu.total / (accepted / 1e6);
    const mainCpu = (cpuAfter.get('main/JS') ?? 0) - (cpuBefore.get('main/JS') ?? 0);
    const lines = [
      '',
      '==== ingest-http ====',
      `ingest-http: ${fmt(accepted)} events in ${elapsedS.toFixed(1)} s = ${fmt(rate)} events/s (${CONCURRENCY} concurrent requests of ${fmt(BATCH)} events, ${WITH_IDS ? 'each with a unique id' : 'without ids'}; p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms; server RSS ${rss.rss.toFixed(0)} MiB)`,
      `  accepted ${fmt(accepted)} of ${fmt(TOTAL_EVENTS)} wanted${timeCapped ? ` (stopped by the ${TIME_CAP_S} s time cap)` : ''}; ${fmt(requests)} requests (${fmt(latencies.length)} answered 202, ${fmt(busy)} answered 503 and were retried)`,
      `  stored counter northstar_events_stored_total{source="http"} = ${fmt(stored)} ${ok ? '= accepted ✓' : `≠ accepted ${fmt(accepted)} ✗`}; rejected ${fmt(rejected)}`,
      `  request latency min ${latencies[0]?.toFixed(0)} / p50 ${p50.toFixed(0)} / p90 ${percentile(latencies, 90).toFixed(0)} / p99 ${p99.toFixed(0)} / max ${latencies.at(-1)?.toFixed(0)} ms`,
      `  server RSS at end ${rss.rss.toFixed(0)} MiB (peak ${rss.peak.toFixed(0)} MiB; at ready ${readyRss.rss.toFixed(0)} MiB)`,
      `  server CPU: ${cpu.text}; ${cpuPerMillion.toFixed(1)} CPU-s per million events (less sensitive to the shared machine than events/s)`,
      // the thread that serves HTTP, WebSocket and the wall: what moving work to the decode workers is meant to lower
      `  server main thread: ${mainCpu.toFixed(1)} CPU-s = ${(mainCpu / (accepted / 1e6)).toFixed(2)} CPU-s per million events (${((1e6 * mainCpu) / accepted).toFixed(2)} µs an event)`,
      `  server inserts: ${describeBatches(metrics)}`,
      ...baselineLines(rate, cpuPerMillion, [baselineBefore, baselineAfter]),
      `  load generator CPU: ${((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(1)} s for the whole run (incl. building bodies)`,
      `  server stop (SIGTERM) took ${(stop.stopMs / 1000).toFixed(1)} s, exit ${stop.code ?? stop.signal}`,
      `  ${machineNote()}`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (!ok) process.exitCode = 1;
  } finally {
    if (!stopped) await server.stop(5_000);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ingest-http failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
