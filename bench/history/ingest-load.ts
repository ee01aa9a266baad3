/**
 * A paced HTTP producer for the history benchmark's "while ingesting" phase: POSTs NDJSON
 * bodies of --batch events (each with a unique id, ts = send time) to --url at up to --rate
 * events/s with at most --concurrency requests in flight, until --seconds pass, --events are
 * sent or SIGTERM. Bodies are templates built before sending, so this process costs the
 * shared box little. Prints one JSON line at the end: what the server accepted, and when.
 *
 *   node --import tsx bench/history/ingest-load.ts --url http://127.0.0.1:PORT [--rate 100000]
 *        [--seconds 120] [--events 12000000] [--batch 10000] [--concurrency 4]
 */
import http from 'node:http';
import { eventFactory, numberOption, sleep } from '../support.ts';

export interface LoadReport {
  accepted: number;
  seconds: number;
  busy: number;
  /** Why it stopped: 'time', 'count' or 'signal'. */
  stoppedBy: string;
}

function urlOption(): URL {
  const i = process.argv.indexOf('--url');
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  if (!raw) throw new Error('--url is required');
  const url = new URL('/api/v1/events', raw);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`--url ${raw}: loopback only`);
  return url;
}

const URL_ = urlOption();
const RATE = numberOption('rate', 100_000);
const SECONDS = numberOption('seconds', 120);
const EVENTS = numberOption('events', 12_000_000);
const BATCH = Math.round(numberOption('batch', 10_000));
const CONCURRENCY = Math.round(numberOption('concurrency', 4));

function post(agent: http.Agent, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      URL_,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-ndjson', 'content-length': body.length }, timeout: 60_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request took longer than 60 s')));
    req.on('error', reject);
    req.end(body);
  });
}

const runId = `history-load-${Date.now()}`;
const next = eventFactory(runId, 7);
const now = Date.now();
const templates = Array.from({ length: 8 }, () => {
  let text = '';
  for (let i = 0; i < BATCH; i++) text += JSON.stringify(next(now)) + '\n';
  return text;
});
const idPrefix = `"id":"${runId}-`;
const tsField = `"ts":${now},`;
const bodyFor = (n: number) =>
  Buffer.from(templates[n % templates.length]!.replaceAll(idPrefix, `${idPrefix}r${n}-`).replaceAll(tsField, `"ts":${Date.now()},`));

let stopping = false;
let stoppedBy = 'time';
process.once('SIGTERM', () => {
  stopping = true;
  stoppedBy = 'signal';
});

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const started = performance.now();
const deadline = started + SECONDS * 1000;
let issued = 0;
let accepted = 0;
let busy = 0;
const worker = async () => {
  while (!stopping && performance.now() < deadline) {
    if (issued * BATCH >= EVENTS) {
      stoppedBy = 'count';
      return;
    }
    // pace: request n may start once n × batch events are due at the target rate
    const due = started + ((issued * BATCH) / RATE) * 1000;
    if (due > performance.now()) {
      await sleep(Math.min(due - performance.now(), 200));
      continue;
    }
    const body = bodyFor(issued++);
    for (;;) {
      const reply = await post(agent, body);
      if (reply.status === 202) {
        accepted += (JSON.parse(reply.text) as { accepted: number }).accepted;
        break;
      }
      if (reply.status !== 503) throw new Error(`POST answered ${reply.status}: ${reply.text.slice(0, 300)}`);
      busy++;
      if (stopping || performance.now() >= deadline) return;
      await sleep(200);
    }
  }
};
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
agent.destroy();
const report: LoadReport = { accepted, seconds: (performance.now() - started) / 1000, busy, stoppedBy };
process.stdout.write(JSON.stringify(report) + '\n');
