import { WINDOW_MIN_MS, combineMeasures, isCalendarWindow, rollingWindowMs, type KpiDefinition, type SeriesPoint } from '@northstar/shared';
import { CalendarKpiWindow } from './calendar-window.ts';
import type { CompiledMeasure } from './formula.ts';
import { RollingWindow } from './rolling-window.ts';
import { aggregate, needsSketch, type Stats } from './stats.ts';

/** The window state of one KPI, whatever its window kind and however many measures it reads. */
export interface KpiWindow {
  /** Sparkline resolution: a new point per slot. */
  readonly slotMs: number;
  add(measure: number, ts: number, value: number, key: string | undefined): void;
  /** Merges aggregates of one measure's events at `ts` (a partial: partials/). */
  addStats(measure: number, ts: number, stats: Stats): void;
  /** Moves the window to `nowMs` before reading it (calendar windows roll their period here). */
  advance(nowMs: number): void;
  value(nowMs: number): number | null;
  /** True when the value is a distinct count that reached its memory bound (a lower bound). */
  lowerBound(nowMs: number): boolean;
  previous(nowMs: number): number | null;
  /** The sparkline as of `nowMs` (completed slots only). */
  spark(nowMs: number): SeriesPoint[];
}

/** A rolling window per measure, all of the KPI's length. */
export class RollingKpiWindow implements KpiWindow {
  readonly slotMs: number;
  readonly windows: RollingWindow[];
  readonly #kpi: KpiDefinition;
  readonly #measures: readonly CompiledMeasure[];

  constructor(kpi: KpiDefinition, measures: readonly CompiledMeasure[], windowMs: number) {
    this.#kpi = kpi;
    this.#measures = measures;
    this.windows = measures.map((m) => new RollingWindow(windowMs, needsSketch(m.aggregation), m.aggregation === 'distinct_count'));
    this.slotMs = (this.windows[0] as RollingWindow).slotMs;
  }

  add(measure: number, ts: number, value: number, key: string | undefined): void {
    (this.windows[measure] as RollingWindow).add(ts, value, key);
  }

  addStats(measure: number, ts: number, stats: Stats): void {
    (this.windows[measure] as RollingWindow).addStats(ts, stats);
  }

  advance(): void {}

  #read(nowMs: number, offset: 0 | 1): number | null {
    if (this.#measures.length === 1) {
      const w = this.windows[0] as RollingWindow;
      return aggregate(w.summarize(nowMs, offset), (this.#measures[0] as CompiledMeasure).aggregation, w.windowMs);
    }
    const values = this.windows.map((w, i) =>
      aggregate(w.summarize(nowMs, offset), (this.#measures[i] as CompiledMeasure).aggregation, w.windowMs),
    );
    return combineMeasures(this.#kpi, values);
  }

  value(nowMs: number): number | null {
    return this.#read(nowMs, 0);
  }

  lowerBound(nowMs: number): boolean {
    return this.windows.some((w) => w.summarize(nowMs, 0).capped === true);
  }

  previous(nowMs: number): number | null {
    return this.#read(nowMs, 1);
  }

  spark(nowMs: number): SeriesPoint[] {
    const series = this.windows.map((w, i) => w.history(nowMs, (this.#measures[i] as CompiledMeasure).aggregation));
    if (series.length === 1) return series[0] as SeriesPoint[];
    return (series[0] as SeriesPoint[]).map(([t], p) => [
      t,
      combineMeasures(
        this.#kpi,
        series.map((s) => (s[p] as SeriesPoint)[1]),
      ),
    ]);
  }
}

export function createKpiWindow(kpi: KpiDefinition, measures: readonly CompiledMeasure[]): KpiWindow {
  if (isCalendarWindow(kpi.window)) {
    const specs = measures.map((m) => ({ withSketch: needsSketch(m.aggregation), withDistinct: m.aggregation === 'distinct_count' }));
    return new CalendarKpiWindow(kpi.window, kpi.timezone, specs, (stats, elapsedMs) =>
      combineMeasures(
        kpi,
        stats.map((s, i) => aggregate(s, (measures[i] as CompiledMeasure).aggregation, elapsedMs)),
      ),
    );
  }
  return new RollingKpiWindow(kpi, measures, rollingWindowMs(kpi) ?? WINDOW_MIN_MS);
}
