import { calendarSpan, kpiMeasures, previousCalendarSpan, type KpiDefinition } from '@northstar/shared';
import { CalendarKpiWindow } from './calendar-window.ts';
import type { KpiEvaluator } from './evaluator.ts';
import { RollingKpiWindow } from './kpi-window.ts';
import { DISTINCT_VALUES_MERGED_MAX, DISTINCT_VALUES_PER_SLOT_MAX, emptyStats, needsSketch, type Stats } from './stats.ts';
import type { WindowReads } from './window-reads.ts';

/** Values per slot used to re-seed a quantile sketch; the weight of each stands for the rest. */
const SAMPLES_PER_SLOT = 512;
/** A calendar period has one accumulator, so it can afford a larger sample. */
const SAMPLES_PER_PERIOD = 8192;

type RebuildEvaluator = Pick<KpiEvaluator, 'definitions' | 'windowOf' | 'noteLastEvent' | 'partialsFrom'>;

/** The last event time the store is read to: now, or just before the window takes partials (evaluator.ts `partialsFrom`). */
function storeReadTo(evaluator: RebuildEvaluator, kpi: KpiDefinition, nowMs: number): number {
  const from = evaluator.partialsFrom(kpi.id);
  return from === undefined ? nowMs : Math.min(nowMs, from - 1);
}

async function rebuildRolling(
  reads: WindowReads,
  evaluator: RebuildEvaluator,
  kpi: KpiDefinition,
  window: RollingKpiWindow,
  nowMs: number,
  receivedBefore: number | undefined,
) {
  const measures = kpiMeasures(kpi);
  for (const [i, m] of measures.entries()) {
    const w = window.windows[i];
    if (!w) continue;
    const fromMs = nowMs - 2 * w.windowMs - w.slotMs;
    const toMs = storeReadTo(evaluator, kpi, nowMs);
    if (toMs < fromMs) continue;
    const rows = await reads.measureStats(m, {
      fromMs,
      toMs,
      slotMs: w.slotMs,
      samples: needsSketch(m.aggregation) ? SAMPLES_PER_SLOT : 0,
      distinctMax: DISTINCT_VALUES_PER_SLOT_MAX,
      receivedBefore,
    });
    for (const r of rows) {
      w.seed(Number(r.slot), { count: Number(r.n), sum: r.s, min: r.lo, max: r.hi }, r.sample, r.uniq);
      evaluator.noteLastEvent(m.metric, Number(r.last));
    }
  }
}

async function rebuildCalendar(
  reads: WindowReads,
  evaluator: RebuildEvaluator,
  kpi: KpiDefinition,
  window: CalendarKpiWindow,
  nowMs: number,
  receivedBefore: number | undefined,
) {
  const span = calendarSpan(window.window, window.timezone, nowMs);
  const previous = previousCalendarSpan(window.window, window.timezone, span);
  const accumulators: Stats[] = [];
  const toMs = storeReadTo(evaluator, kpi, nowMs);
  for (const m of kpiMeasures(kpi)) {
    const stats = emptyStats(needsSketch(m.aggregation), m.aggregation === 'distinct_count');
    accumulators.push(stats);
    if (toMs < span.startMs) continue;
    const [r] = await reads.measureStats(m, {
      fromMs: span.startMs,
      toMs,
      slotMs: 0,
      samples: needsSketch(m.aggregation) ? SAMPLES_PER_PERIOD : 0,
      distinctMax: DISTINCT_VALUES_MERGED_MAX,
      receivedBefore,
    });
    if (r && Number(r.n) > 0) {
      stats.count = Number(r.n);
      stats.sum = r.s;
      stats.min = r.lo;
      stats.max = r.hi;
      const weight = stats.count / Math.max(1, r.sample.length);
      for (const v of r.sample) stats.sketch?.accept(v, weight);
      for (const v of r.uniq) stats.distinct?.add(v);
      // the store sends at most the bound: a full list may have left values out
      if (stats.distinct && r.uniq.length >= DISTINCT_VALUES_MERGED_MAX) stats.capped = true;
      evaluator.noteLastEvent(m.metric, Number(r.last));
    }
  }
  const drawnTo = Math.floor(nowMs / window.slotMs) * window.slotMs;
  const step = window.slotMs;
  const curve = drawnTo > span.startMs ? await reads.series(kpi, { fromMs: span.startMs, toMs: drawnTo, stepMs: step }) : [];
  const previousCurve = await reads.series(kpi, { fromMs: previous.startMs, toMs: previous.endMs, stepMs: step });
  window.load(nowMs, accumulators, curve, previousCurve);
}

/**
 * After a restart (or when a KPI is added or changed) its window state is rebuilt from
 * what the store holds, so the wall resumes with true values instead of ramping up from
 * zero. `ids` names the KPIs to rebuild; all when omitted. Rolling windows are seeded slot
 * by slot; a calendar window gets its period's accumulators and both periods' curves
 * (the history query at the sparkline's resolution).
 */
export async function rebuildFromStore(
  reads: WindowReads,
  evaluator: RebuildEvaluator,
  nowMs: number,
  ids?: readonly string[],
  /** Read only events ingest took before this time (the rest are counted by the live path; see live-rebuild.ts). */
  receivedBefore?: number,
): Promise<void> {
  const wanted = ids ? new Set(ids) : undefined;
  for (const kpi of evaluator.definitions) {
    if (wanted && !wanted.has(kpi.id)) continue;
    const window = evaluator.windowOf(kpi.id);
    if (window instanceof RollingKpiWindow) await rebuildRolling(reads, evaluator, kpi, window, nowMs, receivedBefore);
    else if (window instanceof CalendarKpiWindow) await rebuildCalendar(reads, evaluator, kpi, window, nowMs, receivedBefore);
  }
}
