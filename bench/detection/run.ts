/**
 * Detection quality benchmark: labelled synthetic series → backtest (the live path's
 * KpiDetector) at default settings → event-level precision, recall, F1, delay and false
 * alerts per series-week, per anomaly type and overall.
 *
 *   node --import tsx bench/detection/run.ts [--seed N] [--series-per-type N] [--days N]
 */
import { performance } from 'node:perf_hooks';
import { backtest } from '../../apps/server/src/detect/backtest.ts';
import { numberOption, wantsHelp } from '../support.ts';
import { ANOMALY_TYPES, DEFAULT_SIZES, generateCorpus, type BenchSizes } from './generate.ts';
import { formatTable, GRACE_POINTS, MERGE_GAP_POINTS, scoreSeries, summarize, type SeriesOutcome } from './evaluate.ts';

/** The aims of issue 5. */
const AIM_F1 = 0.8;
const AIM_MEDIAN_DELAY_POINTS = 3;
const AIM_FALSE_PER_SERIES_WEEK = 1;

if (wantsHelp()) {
  console.log('usage: node --import tsx bench/detection/run.ts [--seed N] [--series-per-type N] [--days N]');
  process.exit(0);
}

const sizes: BenchSizes = {
  ...DEFAULT_SIZES,
  seed: numberOption('seed', DEFAULT_SIZES.seed),
  seriesPerType: numberOption('series-per-type', DEFAULT_SIZES.seriesPerType),
  days: numberOption('days', DEFAULT_SIZES.days),
};
const weeks = sizes.days / 7;

const t0 = performance.now();
const corpus = generateCorpus(sizes);
const t1 = performance.now();
const outcomes = new Map<string, SeriesOutcome[]>();
let points = 0;
for (const series of corpus) {
  // the benchmark watches both ways: every injected type has an up and a down variant somewhere
  const detected = backtest(series.points, {}, { direction: 'within_range', timezone: series.timezone });
  points += detected.length;
  const type = series.labels[0]?.type ?? 'none';
  const list = outcomes.get(type) ?? [];
  list.push(scoreSeries(detected, series.labels));
  outcomes.set(type, list);
}
const t2 = performance.now();

const rows = ANOMALY_TYPES.map((type) => summarize(type, outcomes.get(type) ?? [], weeks));
const overall = summarize('overall', [...outcomes.values()].flat(), weeks);
rows.push(overall);

console.log(
  `seed ${sizes.seed}; ${corpus.length} series (${sizes.seriesPerType} per anomaly type) × ${sizes.days} days at ${sizes.stepMinutes}-minute steps` +
    ` = ${points} points; ${sizes.anomaliesPerSeries} anomalies per series from day ${sizes.firstAnomalyDay}; start ${new Date(sizes.startMs).toISOString()}`,
);
console.log(
  `settings: defaults (medium sensitivity, all detectors), direction both; grace ${GRACE_POINTS} points, runs merged across ${MERGE_GAP_POINTS}-point gaps`,
);
console.log('');
console.log(formatTable(rows));
console.log('');
const decidedBy = new Map<string, number>();
for (const o of [...outcomes.values()].flat()) for (const e of o.events) if (e.by) decidedBy.set(e.by, (decidedBy.get(e.by) ?? 0) + 1);
const falseBy = new Map<string, number>();
for (const o of [...outcomes.values()].flat())
  for (const d of o.falseRunDetectors) falseBy.set(d ?? 'none', (falseBy.get(d ?? 'none') ?? 0) + 1);
console.log(`first flag of a detected anomaly by detector: ${[...decidedBy].map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`false alerts by detector: ${[...falseBy].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`);
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
console.log(
  `aims: F1 ${overall.f1.toFixed(3)} ≥ ${AIM_F1} ${met(overall.f1 >= AIM_F1)}; median delay ${overall.medianDelay} ≤ ${AIM_MEDIAN_DELAY_POINTS} points ${met(
    overall.medianDelay !== null && overall.medianDelay <= AIM_MEDIAN_DELAY_POINTS,
  )}; ${overall.falsePerSeriesWeek.toFixed(3)} ≤ ${AIM_FALSE_PER_SERIES_WEEK} false alerts per series-week ${met(overall.falsePerSeriesWeek <= AIM_FALSE_PER_SERIES_WEEK)}`,
);
console.log(
  `time: generate ${((t1 - t0) / 1000).toFixed(1)} s, detect ${((t2 - t1) / 1000).toFixed(1)} s (${((1000 * (t2 - t1)) / points).toFixed(1)} µs per point)`,
);
