import {
  kpiMeasures,
  resolveThresholds,
  rollingWindowMs,
  slotIncrementSd,
  targetInForce,
  targetValidity,
  type KpiDefinition,
  type KpiState,
  type Measure,
  type MetricEvent,
  type SeriesPoint,
  type Span,
  type TargetInForce,
} from '@northstar/shared';
import { measureKey } from '../partials/measure-key.ts';
import type { Partial } from '../partials/partial.ts';
import { attainmentFor, statusFor } from './attainment.ts';
import { kpiProjection, periodAt } from './projection.ts';
import { compileMeasure, matchesFilter, type CompiledMeasure } from './formula.ts';
import { CalendarKpiWindow } from './calendar-window.ts';
import { createKpiWindow, type KpiWindow } from './kpi-window.ts';
import { advancedAt, isCatchingUp } from './catch-up.ts';

/** Late events (into a completed slot) redraw a sparkline at most this often. */
export const SPARK_REDRAW_MIN_INTERVAL_MS = 10_000;

interface KpiRuntime {
  kpi: KpiDefinition;
  measures: CompiledMeasure[];
  /** The metrics the KPI reads (one, or a ratio's one or two). */
  metrics: string[];
  window: KpiWindow;
  state: KpiState;
  spark: SeriesPoint[];
  /** The slot index the sparkline was drawn at; a new slot means a new point. */
  sparkSlot: number;
  sparkDrawnAt: number;
  /** An event landed in a completed slot: the drawn sparkline is out of date. */
  sparkStale: boolean;
  /** The target in force, reused until the next period boundary (luxon is not free). */
  target: TargetInForce | undefined;
  targetValid: Span;
  /** The store's exact count of a capped distinct KPI (distinct-refresh.ts), and when it was read. */
  storeDistinct: { value: number; atMs: number } | undefined;
  /** Calendar KPIs: the current period, and how much the value grows per sparkline slot (its sd; null until enough slots), for the projection. */
  period: Span | undefined;
  slotSd: number | null;
  /** False while the window is rebuilt from the store: it takes no events until `activate` (count-ledger.ts holds them). */
  live: boolean;
  /**
   * With partials (partials/): the window's events before this time come from the store,
   * those at or after it from partials, so none is counted by both. -Infinity: all partials.
   */
  partialsFrom: number;
  /** Wall-clock time its newest event time last moved forward (catch-up.ts); null before the first. */
  advancedAt: number | null;
}

/** A store's distinct count stands in for a capped live one this long after it was read. */
export const STORE_DISTINCT_FRESH_MS = 15_000;

/** One measure of one KPI listening to a metric: what the hot path loops over. */
interface Subscription {
  runtime: KpiRuntime;
  measureIndex: number;
  measure: CompiledMeasure;
  /** partials/measure-key.ts: which published partials this measure merges. */
  key: string;
}

/** Merged partial of one measure's events in one second (partials/merger.ts). */
export interface MeasurePartial {
  measure: string;
  second: number;
  partial: Partial;
}

function statsOf(p: Partial) {
  return { count: p.count, sum: p.sum, min: p.min, max: p.max, sketch: p.sketch, distinct: p.values, hll: p.hll };
}

export interface EvaluationResult {
  changed: KpiState[];
  /** Whole sparklines of the KPIs whose sparkline changed. */
  sparks: Array<{ id: string; points: SeriesPoint[] }>;
}

function sameProjection(a: KpiState['projection'], b: KpiState['projection']): boolean {
  if (!a || !b) return (a ?? null) === (b ?? null);
  return a.value === b.value && a.low === b.low && a.high === b.high && a.endMs === b.endMs && a.status === b.status;
}

function sameState(a: KpiState, b: KpiState): boolean {
  return (
    a.value === b.value &&
    a.status === b.status &&
    a.previous === b.previous &&
    a.lastEventTs === b.lastEventTs &&
    a.attainment === b.attainment &&
    a.target === b.target &&
    a.targetLow === b.targetLow &&
    a.targetHigh === b.targetHigh &&
    a.expected === b.expected &&
    a.period === b.period &&
    a.lowerBound === b.lowerBound &&
    a.catchingUp === b.catchingUp &&
    sameProjection(a.projection, b.projection)
  );
}

function initialState(kpi: KpiDefinition): KpiState {
  return {
    id: kpi.id,
    value: null,
    target: kpi.target ?? null,
    targetLow: kpi.low ?? null,
    targetHigh: kpi.high ?? null,
    expected: null,
    period: null,
    attainment: null,
    status: 'no_data',
    previous: null,
    lastEventTs: null,
    evaluatedAt: 0,
  };
}

/**
 * Pure core of the live path: events in, KPI states out. No I/O and no clock of its
 * own; the shell calls `evaluate(now)` on a timer, tests call it with any time.
 *
 * Every measure of every KPI subscribes to its metric; an event costs one Map lookup
 * by metric and, per subscribed measure, a filter check and a window add.
 */
export class KpiEvaluator {
  readonly #byId = new Map<string, KpiRuntime>();
  readonly #byMetric = new Map<string, Subscription[]>();
  readonly #byMeasure = new Map<string, Subscription[]>();
  readonly #lastEventTs = new Map<string, number>();

  constructor(defs: readonly KpiDefinition[]) {
    for (const def of defs) this.upsert(def);
  }

  get definitions(): KpiDefinition[] {
    return [...this.#byId.values()].map((r) => r.kpi);
  }

  definition(id: string): KpiDefinition | undefined {
    return this.#byId.get(id)?.kpi;
  }

  /** Ids of the live KPIs reading any of these metrics. */
  kpisReading(metrics: ReadonlySet<string>): string[] {
    const ids = new Set<string>();
    for (const metric of metrics) for (const s of this.#byMetric.get(metric) ?? []) ids.add(s.runtime.kpi.id);
    return [...ids];
  }

  metrics(): string[] {
    return [...this.#byMetric.keys()];
  }

  /**
   * A new or changed KPI: fresh window state (the caller rebuilds it from the store).
   * With `live: false` the window takes no events until `activate`: a rebuild reads what
   * the store holds, and which events it did not read is count-ledger.ts's call.
   */
  upsert(def: KpiDefinition, opts: { live: boolean; partialsFrom?: number } = { live: true }): void {
    this.#unsubscribe(def.id);
    const raw = kpiMeasures(def);
    const measures = raw.map(compileMeasure);
    const runtime: KpiRuntime = {
      kpi: def,
      measures,
      metrics: [...new Set(measures.map((m) => m.metric))],
      window: createKpiWindow(def, measures),
      state: initialState(def),
      spark: [],
      sparkSlot: -1,
      sparkDrawnAt: -Infinity,
      sparkStale: true,
      target: undefined,
      targetValid: { startMs: 0, endMs: 0 },
      storeDistinct: undefined,
      period: undefined,
      slotSd: null,
      live: opts.live,
      partialsFrom: opts.partialsFrom ?? -Infinity,
      advancedAt: null,
    };
    // Map.set on an existing key keeps its place, so a changed KPI stays where it was
    this.#byId.set(def.id, runtime);
    runtime.measures.forEach((measure, measureIndex) => {
      const sub: Subscription = { runtime, measureIndex, measure, key: measureKey(raw[measureIndex] as Measure) };
      const list = this.#byMetric.get(measure.metric) ?? [];
      list.push(sub);
      this.#byMetric.set(measure.metric, list);
      const same = this.#byMeasure.get(sub.key) ?? [];
      same.push(sub);
      this.#byMeasure.set(sub.key, same);
    });
  }

  /** Where a KPI's window starts taking partials (store reads stop there: rebuild.ts); undefined without partials. */
  partialsFrom(id: string): number | undefined {
    const from = this.#byId.get(id)?.partialsFrom;
    return from === undefined || from === -Infinity ? undefined : from;
  }

  #mergeInto(s: Subscription, second: number, partial: Partial): void {
    const r = s.runtime;
    const ts = second * 1000;
    if (!r.live || ts < r.partialsFrom) return;
    r.window.addStats(s.measureIndex, ts, statsOf(partial));
    if (Math.floor(ts / r.window.slotMs) < r.sparkSlot + 1) r.sparkStale = true;
  }

  /**
   * Partials in place of events (partials/): each adds one measure's events of one second
   * to every live KPI reading that measure.
   */
  mergePartials(partials: Iterable<MeasurePartial>): void {
    for (const { measure, second, partial } of partials) {
      const subs = this.#byMeasure.get(measure);
      if (!subs || partial.count <= 0) continue;
      for (const s of subs) this.#mergeInto(s, second, partial);
      this.noteLastEvent((subs[0] as Subscription).measure.metric, partial.lastTs);
    }
  }

  /** The same, for one KPI only: a rebuilt window takes the recent partials again (partials/merger.ts `since`). */
  replayPartials(id: string, partials: Iterable<MeasurePartial>): void {
    for (const { measure, second, partial } of partials) {
      for (const s of this.#byMeasure.get(measure) ?? []) if (s.runtime.kpi.id === id) this.#mergeInto(s, second, partial);
    }
  }

  /** Ends the hold of a KPI upserted with `live: false`: adds `events` (the ledger's), then takes events as they come. */
  activate(id: string, events: readonly MetricEvent[]): void {
    const runtime = this.#byId.get(id);
    if (!runtime || runtime.live) return;
    runtime.live = true;
    for (const e of events) {
      for (const s of this.#byMetric.get(e.metric) ?? []) if (s.runtime === runtime) this.#add(s, e);
    }
  }

  remove(id: string): void {
    this.#unsubscribe(id);
    this.#byId.delete(id);
  }

  #unsubscribe(id: string): void {
    const old = this.#byId.get(id);
    if (!old) return;
    for (const index of [this.#byMetric, this.#byMeasure]) {
      for (const [k, subs] of index) {
        if (!subs.some((s) => s.runtime === old)) continue;
        const list = subs.filter((s) => s.runtime !== old);
        if (list.length > 0) index.set(k, list);
        else index.delete(k);
      }
    }
  }

  #add(s: Subscription, e: MetricEvent): void {
    const m = s.measure;
    if (m.filterKeys.length > 0 && !matchesFilter(m, e.dims)) return;
    let key: string | undefined;
    if (m.distinctBy !== undefined) {
      key = e.dims?.[m.distinctBy];
      if (key === undefined) return; // nothing to count distinct
    }
    const r = s.runtime;
    r.window.add(s.measureIndex, e.ts, e.value, key);
    if (Math.floor(e.ts / r.window.slotMs) < r.sparkSlot + 1) r.sparkStale = true;
  }

  observe(events: readonly MetricEvent[]): void {
    for (const e of events) {
      const subs = this.#byMetric.get(e.metric);
      if (!subs) continue;
      for (const s of subs) if (s.runtime.live) this.#add(s, e);
      const last = this.#lastEventTs.get(e.metric);
      if (last === undefined || e.ts > last) this.#lastEventTs.set(e.metric, e.ts);
    }
  }

  /** Calendar windows whose drawn points miss late events (clears their mark); see curve-refresh.ts. */
  takeCurvesBehind(): Array<{ kpi: KpiDefinition; window: CalendarKpiWindow }> {
    const out: Array<{ kpi: KpiDefinition; window: CalendarKpiWindow }> = [];
    for (const r of this.#byId.values()) {
      if (r.window instanceof CalendarKpiWindow && r.live && r.window.takeCurveBehind()) out.push({ kpi: r.kpi, window: r.window });
    }
    return out;
  }

  /** Live rolling distinct_count KPIs (one measure) whose value is a lower bound: the store counts them (distinct-refresh.ts). */
  cappedDistinctKpis(): Array<{ kpi: KpiDefinition; measure: Measure; windowMs: number; window: KpiWindow }> {
    const out: Array<{ kpi: KpiDefinition; measure: Measure; windowMs: number; window: KpiWindow }> = [];
    for (const r of this.#byId.values()) {
      const windowMs = rollingWindowMs(r.kpi);
      if (windowMs === null || r.kpi.ratio || r.kpi.aggregation !== 'distinct_count' || !r.live) continue;
      if (!r.window.lowerBound(r.state.evaluatedAt)) continue;
      out.push({ kpi: r.kpi, measure: kpiMeasures(r.kpi)[0] as Measure, windowMs, window: r.window });
    }
    return out;
  }

  /** The store's exact distinct count for a KPI, read at `atMs`; ignored when the KPI has a new window since. */
  storeDistinct(kpiId: string, window: KpiWindow, value: number, atMs: number): void {
    const r = this.#byId.get(kpiId);
    if (r && r.window === window) r.storeDistinct = { value, atMs };
  }

  /** A window's curve was replaced: the sparkline is redrawn on the next evaluation. */
  curveReplaced(kpiId: string, window: KpiWindow): void {
    const r = this.#byId.get(kpiId);
    if (!r || r.window !== window) return;
    r.sparkStale = true;
    r.sparkDrawnAt = -Infinity;
  }

  /** Used by the start-up rebuild; see rebuild.ts. */
  windowOf(kpiId: string): KpiWindow | undefined {
    return this.#byId.get(kpiId)?.window;
  }

  noteLastEvent(metric: string, ts: number): void {
    const last = this.#lastEventTs.get(metric);
    if (last === undefined || ts > last) this.#lastEventTs.set(metric, ts);
  }

  #targetAt(r: KpiRuntime, now: number): TargetInForce {
    if (r.target === undefined || now < r.targetValid.startMs || now >= r.targetValid.endMs) {
      r.target = targetInForce(r.kpi, now);
      r.targetValid = targetValidity(r.kpi, now);
    }
    return r.target;
  }

  #compute(r: KpiRuntime, now: number): KpiState {
    const { kpi, window } = r;
    window.advance(now);
    let value = window.value(now);
    let lowerBound = value !== null && window.lowerBound(now);
    // past its memory bound, a distinct count shows the store's exact count while that is fresh
    const exact = r.storeDistinct;
    if (lowerBound && exact && now - exact.atMs <= STORE_DISTINCT_FRESH_MS && value !== null) {
      value = Math.max(value, exact.value);
      lowerBound = false;
    }
    const previous = window.previous(now);
    const inForce = this.#targetAt(r, now);
    let lastEventTs: number | null = null;
    for (const metric of r.metrics) {
      const ts = this.#lastEventTs.get(metric);
      if (ts !== undefined && (lastEventTs === null || ts > lastEventTs)) lastEventTs = ts;
    }
    r.advancedAt = advancedAt(r.state.lastEventTs, lastEventTs, r.advancedAt, now);
    const catchingUp = isCatchingUp(lastEventTs, r.advancedAt, now);
    r.period = periodAt(kpi, now, r.period);
    const projection = r.period ? kpiProjection(kpi, value, inForce, r.period, now, r.slotSd, window.slotMs) : null;
    return {
      id: kpi.id,
      value,
      target: inForce.target,
      targetLow: inForce.low,
      targetHigh: inForce.high,
      expected: inForce.expected,
      period: inForce.period,
      attainment: attainmentFor(value, kpi.direction, inForce),
      status: statusFor(value, resolveThresholds(kpi, inForce)),
      previous,
      lastEventTs,
      evaluatedAt: now,
      ...(lowerBound ? { lowerBound: true } : {}),
      ...(catchingUp ? { catchingUp: true } : {}),
      ...(projection ? { projection } : {}),
    };
  }

  /** Redraws the sparkline when a slot completed, or when late events changed a past one. */
  #redrawSpark(r: KpiRuntime, now: number): boolean {
    const slot = Math.floor(now / r.window.slotMs);
    const newSlot = slot !== r.sparkSlot;
    if (!newSlot && !(r.sparkStale && now - r.sparkDrawnAt >= SPARK_REDRAW_MIN_INTERVAL_MS)) return false;
    r.spark = r.window.spark(now);
    if (r.period) r.slotSd = slotIncrementSd(r.spark, r.period.startMs);
    r.sparkSlot = slot;
    r.sparkDrawnAt = now;
    r.sparkStale = false;
    return true;
  }

  /** Recomputes every KPI at `now`; returns the states that changed and the sparklines that did. */
  evaluate(now: number): EvaluationResult {
    const changed: KpiState[] = [];
    const sparks: EvaluationResult['sparks'] = [];
    for (const r of this.#byId.values()) {
      const next = this.#compute(r, now);
      if (!sameState(r.state, next)) changed.push(next);
      r.state = next;
      if (this.#redrawSpark(r, now)) sparks.push({ id: r.kpi.id, points: r.spark });
    }
    return { changed, sparks };
  }

  state(kpiId: string): KpiState | undefined {
    return this.#byId.get(kpiId)?.state;
  }

  states(): KpiState[] {
    return [...this.#byId.values()].map((r) => r.state);
  }

  spark(kpiId: string): SeriesPoint[] {
    return this.#byId.get(kpiId)?.spark ?? [];
  }
}
