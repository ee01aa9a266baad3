/**
 * Count-ledger benchmark: what deciding "when does an event count" (evaluate/count-ledger.ts)
 * adds on top of counting it. In one process, the same batches go
 *   baseline: straight into KpiEvaluator.observe (the bare evaluator), and
 *   ledger:   through the ledger's steps for an HTTP group (taken, attempting, admitted,
 *             inserted), which hands them to an identical evaluator;
 * runs alternate, and the medians and their ratio are printed.
 *
 *   node --import tsx bench/count-ledger.ts [--events 1000000] [--batch 10000] [--kpis 200] [--runs 5]
 */
import { KpiSchema, type MetricEvent } from '@northstar/shared';
import { CountLedger } from '../apps/server/src/evaluate/count-ledger.ts';
import { KpiEvaluator } from '../apps/server/src/evaluate/evaluator.ts';
import { fmt, machineNote, numberOption, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write('usage: node --import tsx bench/count-ledger.ts [--events N] [--batch N] [--kpis N] [--runs N]\n');
  process.exit(0);
}
const EVENTS = numberOption('events', 1_000_000);
const BATCH = numberOption('batch', 10_000);
const KPIS = numberOption('kpis', 200);
const RUNS = numberOption('runs', 5);
const METRICS = Math.max(1, Math.floor(KPIS / 4));

const kpis = Array.from({ length: KPIS }, (_, i) =>
  KpiSchema.parse({ id: `k${i}`, name: `K${i}`, objective: 'o', metric: `m${i % METRICS}`, aggregation: 'sum', window: '1h', target: 1 }),
);
const now = Date.now();
/**
 * One batch of fresh objects (the ledger remembers event objects, so a second pass would see
 * them as counted). Made just before it is timed and dropped after, as a server drops a
 * request's events once written: weak maps over a million live events would cost far more.
 */
function batch(start: number): MetricEvent[] {
  return Array.from({ length: Math.min(BATCH, EVENTS - start) }, (_, j) => {
    const n = start + j;
    return { metric: `m${n % METRICS}`, value: 1, ts: now - (n % 3_600_000), id: n % 2 === 0 ? `e${n}` : '', dims: {} };
  });
}

function timed(count: (events: MetricEvent[]) => void): number {
  let ms = 0;
  for (let start = 0; start < EVENTS; start += BATCH) {
    const events = batch(start);
    const started = performance.now();
    count(events);
    ms += performance.now() - started;
  }
  return ms;
}

function bare(): number {
  const evaluator = new KpiEvaluator(kpis);
  return timed((events) => evaluator.observe(events));
}

function ledger(): number {
  const l = new CountLedger(new KpiEvaluator(kpis));
  return timed((events) => {
    l.taken(events, now, 'grouped');
    l.attempting(events, now);
    l.admitted(events, 'grouped');
    l.inserted(events);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bareMs: number[] = [];
const ledgerMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  bareMs.push(bare());
  ledgerMs.push(ledger());
}
const b = median(bareMs);
const l = median(ledgerMs);
const perEvent = (ms: number) => `${fmt(Math.round((ms * 1e6) / EVENTS))} ns/event`;
process.stdout.write(
  `count-ledger: ${fmt(EVENTS)} events (batches of ${fmt(BATCH)}, half with ids) into ${fmt(KPIS)} KPIs over ${fmt(METRICS)} metrics, median of ${RUNS} runs\n` +
    `  baseline (evaluator.observe): ${fmt(Math.round(b))} ms, ${perEvent(b)}\n` +
    `  through the ledger:          ${fmt(Math.round(l))} ms, ${perEvent(l)}\n` +
    `  ratio ${(l / b).toFixed(2)}× (the ledger's own cost ${perEvent(l - b)})\n` +
    `  ${machineNote()}\n`,
);
