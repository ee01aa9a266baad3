/**
 * Partials benchmark (issue 17): what counting through partials costs against counting
 * events straight into the evaluator. In one process, the same batches go
 *   baseline: KpiEvaluator.observe (the bare evaluator: one instance, no partials), and
 *   partials: the publishing half (fold into cumulative partials, take, encode) and the
 *             receiving half (decode, merge what each adds, KpiEvaluator.mergePartials),
 *             i.e. the whole path but the Kafka round trip;
 * runs alternate, and the medians, their ratio and the partial messages per batch are printed.
 *
 *   node --import tsx bench/partials.ts [--events 1000000] [--batch 10000] [--kpis 200] [--runs 5]
 */
import { KpiSchema, type MetricEvent } from '@northstar/shared';
import { KpiEvaluator } from '../apps/server/src/evaluate/evaluator.ts';
import { PartialAccumulator } from '../apps/server/src/partials/accumulator.ts';
import { decodePartials, encodePartial, encodeWatermark } from '../apps/server/src/partials/codec.ts';
import { measureSpecs } from '../apps/server/src/partials/measure-key.ts';
import { PartialMerger } from '../apps/server/src/partials/merger.ts';
import { kafkaSource, tagSource } from '../apps/server/src/partials/source-tag.ts';
import { fmt, machineNote, numberOption, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write('usage: node --import tsx bench/partials.ts [--events N] [--batch N] [--kpis N] [--runs N]\n');
  process.exit(0);
}
const EVENTS = numberOption('events', 1_000_000);
const BATCH = numberOption('batch', 10_000);
const KPIS = numberOption('kpis', 200);
const RUNS = numberOption('runs', 5);
const METRICS = Math.max(1, Math.floor(KPIS / 4));
/** Events per second of event time: a batch spans BATCH / RATE seconds. */
const RATE = 100_000;

// a quarter each: sum, count, p95 and a filtered avg, so partials carry sketches too
const AGGS = ['sum', 'count', 'p95', 'avg'] as const;
const kpis = Array.from({ length: KPIS }, (_, i) =>
  KpiSchema.parse({
    id: `k${i}`,
    name: `K${i}`,
    objective: 'o',
    metric: `m${i % METRICS}`,
    aggregation: AGGS[Math.floor(i / METRICS) % AGGS.length],
    window: '1h',
    target: 1,
    ...(i % 4 === 3 ? { filter: { region: 'eu' } } : {}),
  }),
);
const now = Date.now();
const source = kafkaSource('northstar.events', 0);

function batch(start: number): MetricEvent[] {
  return Array.from({ length: Math.min(BATCH, EVENTS - start) }, (_, j) => {
    const n = start + j;
    const e: MetricEvent = {
      metric: `m${n % METRICS}`,
      value: 1 + (n % 997),
      ts: now - 3_000_000 + Math.floor((n * 1000) / RATE),
      id: '',
      dims: { region: n % 2 ? 'eu' : 'us' },
    };
    tagSource(e, { source, offset: String(n) });
    return e;
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

let messages = 0;
function partials(): number {
  const evaluator = new KpiEvaluator(kpis);
  const specs = measureSpecs(kpis);
  const acc = new PartialAccumulator({ specs: () => specs, localSource: 'node', horizonMs: 3_600_000 });
  const merger = new PartialMerger(3_600_000);
  messages = 0;
  let offset = 0;
  return timed((events) => {
    offset += events.length;
    acc.fold(events);
    acc.foldedUpTo(source, String(offset - 1));
    const wire = acc.take(source).map((m) => (m.kind === 'partial' ? encodePartial(m) : encodeWatermark(m)));
    messages += wire.length;
    const deltas = [];
    for (const { key, value } of wire) {
      const d = merger.apply(decodePartials(key, value, 'bench'), now);
      if (d) deltas.push(d);
    }
    evaluator.mergePartials(deltas);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bareMs: number[] = [];
const partialMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  bareMs.push(bare());
  partialMs.push(partials());
}
const b = median(bareMs);
const p = median(partialMs);
const perEvent = (ms: number) => `${fmt(Math.round((ms * 1e6) / EVENTS))} ns/event`;
process.stdout.write(
  `partials: ${fmt(EVENTS)} events (batches of ${fmt(BATCH)} = ${BATCH / RATE} s of events at ${fmt(RATE)}/s) into ${fmt(KPIS)} KPIs over ${fmt(METRICS)} metrics (sum, count, p95, filtered avg), median of ${RUNS} runs\n` +
    `  baseline (evaluator.observe):             ${fmt(Math.round(b))} ms, ${perEvent(b)}\n` +
    `  partials (fold, encode, decode, merge):   ${fmt(Math.round(p))} ms, ${perEvent(p)}\n` +
    `  ratio ${(p / b).toFixed(2)}×; ${fmt(messages)} partial messages for ${fmt(EVENTS)} events (${((messages / EVENTS) * 1000).toFixed(1)} per 1 000), the Kafka round trip not included\n` +
    `  CPU-s per million events: baseline ${((b / EVENTS) * 1000).toFixed(2)}, partials ${((p / EVENTS) * 1000).toFixed(2)}\n` +
    `  ${machineNote()}\n`,
);
