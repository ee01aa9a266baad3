import type { ClickHouseClient } from '@clickhouse/client';
import { calendarSpan, kpiMeasures, previousCalendarSpan, type KpiDefinition, type Measure } from '@northstar/shared';
import { measureCondition, querySeries } from '../store/series-query.ts';
import { CalendarKpiWindow } from './calendar-window.ts';
import type { KpiEvaluator } from './evaluator.ts';
import { RollingKpiWindow } from './kpi-window.ts';
import { DISTINCT_VALUES_MERGED_MAX, DISTINCT_VALUES_PER_SLOT_MAX, emptyStats, needsSketch, type Stats } from './stats.ts';

/** Values per slot used to re-seed a quantile sketch; the weight of each stands for the rest. */
const SAMPLES_PER_SLOT = 512;
/** A calendar period has one accumulator, so it can afford a larger sample. */
const SAMPLES_PER_PERIOD = 8192;

interface StatsRow {
  slot?: string | number;
  n: string | number;
  s: number;
  lo: number;
  hi: number;
  sample: number[];
  uniq: string[];
  last: string | number;
}

/**
 * Per-slot (or, with slotMs 0, whole-range) aggregates of one measure's matching events
 * in [fromMs, toMs]: the same conditions (filters, distinct dimension) as the history
 * query. Distinct values come back capped per slot at the window's own bound, so a
 * rebuilt window holds what a live one would have held; quantile values are sampled.
 */
async function measureStats(
  client: ClickHouseClient,
  m: Measure,
  fromMs: number,
  toMs: number,
  slotMs: number,
  samples: number,
  distinctMax: number,
  receivedBefore: number | undefined,
): Promise<StatsRow[]> {
  const params: Record<string, unknown> = {
    from: fromMs,
    to: toMs,
    slot: slotMs,
    samples,
    distinctMax,
    receivedBefore: receivedBefore ?? 0,
  };
  const cond = measureCondition(m, 0, params);
  const distinct = m.aggregation === 'distinct_count' ? `groupUniqArray({distinctMax:UInt32})(dims[{m0d:String}])` : 'emptyArrayString()';
  const sample = needsSketch(m.aggregation) ? 'groupArraySample({samples:UInt32}, 1)(value)' : 'emptyArrayFloat64()';
  const result = await client.query({
    query: `SELECT ${slotMs > 0 ? 'intDiv(toUnixTimestamp64Milli(ts), {slot:UInt64}) AS slot,' : ''}
                   count() AS n, sum(value) AS s, min(value) AS lo, max(value) AS hi,
                   ${sample} AS sample, ${distinct} AS uniq, max(toUnixTimestamp64Milli(ts)) AS last
            FROM events
            WHERE ${cond} AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
            ${receivedBefore === undefined ? '' : 'AND received_at < fromUnixTimestamp64Milli({receivedBefore:Int64})'}
            ${slotMs > 0 ? 'GROUP BY slot ORDER BY slot' : 'HAVING n > 0'}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return result.json<StatsRow>();
}

async function rebuildRolling(
  client: ClickHouseClient,
  evaluator: KpiEvaluator,
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
    const rows = await measureStats(client, m, fromMs, nowMs, w.slotMs, SAMPLES_PER_SLOT, DISTINCT_VALUES_PER_SLOT_MAX, receivedBefore);
    for (const r of rows) {
      w.seed(Number(r.slot), { count: Number(r.n), sum: r.s, min: r.lo, max: r.hi }, r.sample, r.uniq);
      evaluator.noteLastEvent(m.metric, Number(r.last));
    }
  }
}

async function rebuildCalendar(
  client: ClickHouseClient,
  evaluator: KpiEvaluator,
  kpi: KpiDefinition,
  window: CalendarKpiWindow,
  nowMs: number,
  receivedBefore: number | undefined,
) {
  const span = calendarSpan(window.window, window.timezone, nowMs);
  const previous = previousCalendarSpan(window.window, window.timezone, span);
  const accumulators: Stats[] = [];
  for (const m of kpiMeasures(kpi)) {
    const stats = emptyStats(needsSketch(m.aggregation), m.aggregation === 'distinct_count');
    const [r] = await measureStats(client, m, span.startMs, nowMs, 0, SAMPLES_PER_PERIOD, DISTINCT_VALUES_MERGED_MAX, receivedBefore);
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
    accumulators.push(stats);
  }
  const drawnTo = Math.floor(nowMs / window.slotMs) * window.slotMs;
  const step = window.slotMs;
  const curve = drawnTo > span.startMs ? await querySeries(client, kpi, { fromMs: span.startMs, toMs: drawnTo, stepMs: step }) : [];
  const previousCurve = await querySeries(client, kpi, { fromMs: previous.startMs, toMs: previous.endMs, stepMs: step });
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
  client: ClickHouseClient,
  evaluator: KpiEvaluator,
  nowMs: number,
  ids?: readonly string[],
  /** Read only events ingest took before this time (the rest are counted by the live path; see live-rebuild.ts). */
  receivedBefore?: number,
): Promise<void> {
  const wanted = ids ? new Set(ids) : undefined;
  for (const kpi of evaluator.definitions) {
    if (wanted && !wanted.has(kpi.id)) continue;
    const window = evaluator.windowOf(kpi.id);
    if (window instanceof RollingKpiWindow) await rebuildRolling(client, evaluator, kpi, window, nowMs, receivedBefore);
    else if (window instanceof CalendarKpiWindow) await rebuildCalendar(client, evaluator, kpi, window, nowMs, receivedBefore);
  }
}
