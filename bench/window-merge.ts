/**
 * Window-merge benchmark: what reading a rolling window costs an evaluation (issue 16). The
 * same event stream goes into two sets of RollingWindows; at every evaluation each KPI is
 * read as KpiEvaluator reads it (value and lower bound from the current window, "previous"
 * from the one before, and the sparkline once per slot), by
 *   baseline: summarizeFresh, the full merge of every slot of the window (the old read; the
 *             sparkline a full merge per point), and
 *   cached:   summarize and history, the cached summary with prefix/suffix-merged sketches.
 * Both variants run step by step in lockstep (which one goes first alternates); printed are
 * the medians over runs of the reads' ns per KPI evaluation, and of reads plus the
 * evaluation's share of adds (the cached variant's adds tell its caches what changed; the
 * full merge's garbage is collected during either), and of their ratio, per KPI kind: `sum` (bench/live's KPIs) and `p95` (a quantile sketch).
 * Both variants' answers are checked to be identical.
 *
 *   node --import tsx bench/window-merge.ts [--kpis 200] [--rate 10] [--evals 20] [--seconds 20] [--runs 5]
 */
import type { Aggregation } from '@northstar/shared';
import { seededRng } from '../apps/server/src/demo/generator.ts';
import { RollingWindow, aggregate, type WindowSummary } from '../apps/server/src/evaluate/rolling-window.ts';
import { fmt, machineNote, numberOption, wantsHelp } from './support.ts';

if (wantsHelp()) {
  process.stdout.write(
    'usage: node --import tsx bench/window-merge.ts [--kpis N] [--rate events/s per KPI] [--evals evaluations/s] [--seconds N] [--runs N]\n',
  );
  process.exit(0);
}
const KPIS = numberOption('kpis', 200);
const RATE = numberOption('rate', 10);
const EVALS = numberOption('evals', 20);
const SECONDS = numberOption('seconds', 20);
const RUNS = numberOption('runs', 5);
const WINDOW_MS = 5 * 60_000;
/** Both windows (current and previous) full before timing starts, as on a server that has run a while. */
const WARM_MS = 2 * WINDOW_MS;
const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);

interface Reads {
  summary(w: RollingWindow, nowMs: number, offset: 0 | 1): WindowSummary;
  /** The sparkline's values, redrawn once per slot (KpiEvaluator's #redrawSpark). */
  spark(w: RollingWindow, nowMs: number, aggregation: Aggregation): Array<number | null>;
}
const fresh: Reads = {
  summary: (w, nowMs, offset) => w.summarizeFresh(nowMs, offset),
  // what history() did before: a full merge per point
  spark(w, nowMs, aggregation) {
    const lastComplete = Math.floor(nowMs / w.slotMs) - 1;
    const values: Array<number | null> = [];
    for (let end = lastComplete - w.slotsPerWindow + 1; end <= lastComplete; end++) {
      values.push(aggregate(w.summarizeFresh(end * w.slotMs), aggregation, w.windowMs));
    }
    return values;
  },
};
const cached: Reads = {
  summary: (w, nowMs, offset) => w.summarize(nowMs, offset),
  spark: (w, nowMs, aggregation) => w.history(nowMs, aggregation).map(([, v]) => v),
};

interface Kind {
  name: 'sum' | 'p95';
  kpis: number;
}

interface Timing {
  readMs: number;
  addMs: number;
  check: number;
}

/**
 * Runs the stream through two sets of `kpis` windows in lockstep, one read each way; each
 * step's reads run for both (the order alternating), so both see the box under the same load.
 */
function run(kind: Kind): { base: Timing; next: Timing; evaluations: number } {
  const rand = seededRng(7);
  const variants = [fresh, cached].map((read) => ({
    read,
    windows: Array.from({ length: kind.kpis }, () => new RollingWindow(WINDOW_MS, kind.name === 'p95')),
    t: { readMs: 0, addMs: 0, check: 0 } as Timing,
  }));
  const slotMs = (variants[0]?.windows[0] as RollingWindow).slotMs;
  const stepMs = 1000 / EVALS;
  let owed = 0;
  let evaluations = 0;
  let step = 0;
  const batch: Array<[kpi: number, ts: number, value: number]> = [];
  for (let now = T0 - WARM_MS; now < T0 + SECONDS * 1000; now += stepMs, step++) {
    const timed = now >= T0;
    // the step's events, spread over the KPIs (--rate a second each), stamped a little before now
    owed += (RATE * stepMs * kind.kpis) / 1000;
    batch.length = 0;
    for (; owed >= 1; owed -= 1) {
      batch.push([Math.floor(rand() * kind.kpis), now - Math.floor(rand() * stepMs), Math.round(rand() * 10_000) / 100]);
    }
    const newSlot = Math.floor(now / slotMs) !== Math.floor((now - stepMs) / slotMs);
    for (const v of step % 2 === 0 ? variants : [...variants].reverse()) {
      let started = performance.now();
      for (const [kpi, ts, value] of batch) (v.windows[kpi] as RollingWindow).add(ts, value);
      if (timed) v.t.addMs += performance.now() - started;
      if (now < T0 - 1000) continue; // warm-up: events only, the last second read too
      started = performance.now();
      for (const w of v.windows) {
        const value = aggregate(v.read.summary(w, now, 0), kind.name, WINDOW_MS);
        const lowerBound = value !== null && v.read.summary(w, now, 0).capped === true;
        const previous = aggregate(v.read.summary(w, now, 1), kind.name, WINDOW_MS);
        if (timed) v.t.check += (value ?? 0) + (previous ?? 0) + (lowerBound ? 1 : 0);
        if (newSlot) for (const p of v.read.spark(w, now, kind.name)) if (timed) v.t.check += p ?? 0;
      }
      if (timed) v.t.readMs += performance.now() - started;
    }
    if (timed) evaluations += kind.kpis;
  }
  return { base: (variants[0] as { t: Timing }).t, next: (variants[1] as { t: Timing }).t, evaluations };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const lines: string[] = [];
for (const kind of [
  { name: 'sum', kpis: KPIS },
  // a quantile window's full merge costs ~100× a sum's: fewer KPIs keep the run short
  { name: 'p95', kpis: Math.max(1, Math.round(KPIS / 10)) },
] as const) {
  const runs = Array.from({ length: RUNS }, () => run(kind));
  for (const r of runs) {
    if (r.base.check !== r.next.check)
      throw new Error(`${kind.name}: cached answers differ from the full merge (${r.next.check} ≠ ${r.base.check})`);
  }
  const ns = (pick: (r: (typeof runs)[number]) => number) => (median(runs.map(pick)) * 1e6) / (runs[0]?.evaluations ?? 1);
  const rb = ns((r) => r.base.readMs);
  const rc = ns((r) => r.next.readMs);
  const tb = ns((r) => r.base.readMs + r.base.addMs);
  const tc = ns((r) => r.next.readMs + r.next.addMs);
  const ratios = runs.map((r) => (r.base.readMs + r.base.addMs) / (r.next.readMs + r.next.addMs)).sort((a, b) => a - b);
  lines.push(
    `  ${kind.name} (${fmt(kind.kpis)} KPIs), per KPI evaluation: reads ${fmt(Math.round(rb))} ns full merge, ${fmt(Math.round(rc))} ns cached; ` +
      `with its share of adds ${fmt(Math.round(tb))} ns → ${fmt(Math.round(tc))} ns\n` +
      `    ratio (reads + adds) median ${median(ratios).toFixed(1)}×, range ${(ratios[0] as number).toFixed(1)}–${(ratios.at(-1) as number).toFixed(1)}× over ${RUNS} runs (answers identical)`,
  );
}
process.stdout.write(
  `window-merge: 5 m rolling windows (60 slots), ${fmt(RATE)} events/s per KPI, ${fmt(EVALS)} evaluations/s, ${fmt(SECONDS)} s timed after ${WARM_MS / 60_000} min warm-up, both variants interleaved step by step, medians of ${RUNS} runs\n` +
    `${lines.join('\n')}\n` +
    `  ${machineNote()}\n`,
);
