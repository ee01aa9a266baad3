import { calendarSpan, previousCalendarSpan, type CalendarWindow, type SeriesPoint, type Span } from '@northstar/shared';
import type { KpiWindow } from './kpi-window.ts';
import { DISTINCT_VALUES_MERGED_MAX, addValue, emptyStats, mergeStats, type Stats } from './stats.ts';

/**
 * Sparkline and "previous" resolution of a calendar window: points every 15 minutes for
 * today (96 a day), hourly for longer periods (≤ 2 208 a quarter). Points are aligned to
 * epoch multiples, as the history query's buckets are, so both agree in any zone
 * (all zones' offsets are multiples of 15 minutes).
 */
export function calendarSlotMs(window: CalendarWindow): number {
  return window === 'today' ? 900_000 : 3_600_000;
}

/**
 * An event in a later period starts that period when it is at most this far ahead of the
 * last evaluation time (the producer's clock may run a little ahead of ours). Further
 * ahead, it is left to the store (a rebuild picks it up) rather than end the period early.
 */
const ROLL_AHEAD_MAX_MS = 60_000;

export interface CalendarMeasureSpec {
  withSketch: boolean;
  withDistinct: boolean;
}

/**
 * A calendar window (today, week-, month-, quarter-to-date in a time zone): one running
 * accumulator per measure from the period's start, so the value costs no merge however
 * long the period; and the KPI's value at the end of each slot, which is the sparkline
 * (cumulative across the period) and, after the boundary, "previous": the previous
 * period's value after the same elapsed time, to the slot. State resets at the boundary.
 *
 * Events for a period already closed are not counted live (the store has them). An event
 * late into an earlier slot of the current period (a backfill, a producer catching up)
 * moves the value at once; the points already drawn are marked behind, and curve-refresh.ts
 * redraws them from the store.
 */
export class CalendarKpiWindow implements KpiWindow {
  readonly window: CalendarWindow;
  readonly timezone: string;
  readonly slotMs: number;
  readonly #specs: readonly CalendarMeasureSpec[];
  readonly #valueOf: (measures: readonly Stats[], elapsedMs: number) => number | null;
  #span: Span | undefined;
  #acc: Stats[] = [];
  #curve: SeriesPoint[] = [];
  /** Sparkline points are drawn up to here. */
  #drawnTo = 0;
  #previousSpan: Span | undefined;
  #previousCurve: SeriesPoint[] = [];
  /** The latest time the window was advanced to: our clock, as far as we know it. */
  #nowMs = -Infinity;
  /** An event landed in a slot of the current period whose point is already drawn. */
  #curveBehind = false;

  constructor(
    window: CalendarWindow,
    timezone: string,
    specs: readonly CalendarMeasureSpec[],
    valueOf: (measures: readonly Stats[], elapsedMs: number) => number | null,
  ) {
    this.window = window;
    this.timezone = timezone;
    this.slotMs = calendarSlotMs(window);
    this.#specs = specs;
    this.#valueOf = valueOf;
  }

  get span(): Span | undefined {
    return this.#span;
  }

  #start(atMs: number): void {
    const old = this.#span;
    const span = calendarSpan(this.window, this.timezone, atMs);
    if (old) {
      if (this.#drawnTo < old.endMs) this.#draw(old.endMs, true);
      const adjacent = previousCalendarSpan(this.window, this.timezone, span).startMs === old.startMs;
      this.#previousSpan = adjacent ? old : undefined;
      this.#previousCurve = adjacent ? this.#curve : [];
    }
    this.#span = span;
    this.#acc = this.#specs.map((s) => emptyStats(s.withSketch, s.withDistinct));
    this.#curve = [];
    this.#drawnTo = old ? span.startMs : Math.floor(atMs / this.slotMs) * this.slotMs;
  }

  /** Appends a point for every slot end in (drawnTo, toMs]; `closing` also adds the period's end. */
  #draw(toMs: number, closing = false): void {
    const span = this.#span as Span;
    for (let t = Math.floor(this.#drawnTo / this.slotMs) * this.slotMs + this.slotMs; t <= toMs && t <= span.endMs; t += this.slotMs) {
      this.#curve.push([t, this.#valueOf(this.#acc, t - span.startMs)]);
    }
    if (closing && (this.#curve.at(-1)?.[0] ?? 0) < span.endMs)
      this.#curve.push([span.endMs, this.#valueOf(this.#acc, span.endMs - span.startMs)]);
    this.#drawnTo = toMs;
  }

  /** Whether an event at `ts` counts live: in the current period, or starting the next one (the period may roll here). */
  #takes(ts: number): boolean {
    if (!this.#span) this.#start(ts);
    const span = this.#span as Span;
    if (ts < span.startMs) return false;
    if (ts >= span.endMs) {
      if (ts - Math.max(span.endMs, this.#nowMs) >= ROLL_AHEAD_MAX_MS) return false;
      this.#start(ts);
    }
    return true;
  }

  /** A point at t holds what had arrived when it was drawn: an event before t arriving now is late for it. */
  #noteLate(ts: number): void {
    const drawn = this.#curve.at(-1);
    if (drawn && ts < drawn[0]) this.#curveBehind = true;
  }

  /** Adds one event to a measure; false when it is not counted live. */
  add(measure: number, ts: number, value: number, key: string | undefined): boolean {
    if (!this.#takes(ts)) return false;
    // one accumulator for the whole period: it keeps as many distinct values as a merged rolling window
    addValue(this.#acc[measure] as Stats, value, key, DISTINCT_VALUES_MERGED_MAX);
    this.#noteLate(ts);
    return true;
  }

  /** Merges aggregates of a measure's events at `ts` (a partial from partials/); false when not counted live. */
  addStats(measure: number, ts: number, stats: Stats): boolean {
    if (!this.#takes(ts)) return false;
    mergeStats(this.#acc[measure] as Stats, stats, DISTINCT_VALUES_MERGED_MAX);
    this.#noteLate(ts);
    return true;
  }

  /** Whether drawn points miss late events; reading it clears it (the caller then redraws from the store). */
  takeCurveBehind(): boolean {
    const behind = this.#curveBehind;
    this.#curveBehind = false;
    return behind;
  }

  /**
   * The store's curve for the current period (it holds the late events), in place of the
   * points drawn so far; points drawn live after the store's last one are kept. Ignored when
   * the period has rolled since `spanStartMs`.
   */
  replaceCurve(spanStartMs: number, curve: readonly SeriesPoint[]): void {
    const span = this.#span;
    if (!span || span.startMs !== spanStartMs) return;
    const fresh = curve.filter(([t]) => t > span.startMs && t <= this.#drawnTo);
    const last = fresh.at(-1)?.[0] ?? -Infinity;
    this.#curve = [...fresh, ...this.#curve.filter(([t]) => t > last)];
  }

  /** Moves to `nowMs`: starts the next period at the boundary and draws completed slots. */
  advance(nowMs: number): void {
    if (nowMs > this.#nowMs) this.#nowMs = nowMs;
    if (!this.#span || nowMs >= this.#span.endMs) this.#start(nowMs);
    if (nowMs > this.#drawnTo) this.#draw(Math.floor(nowMs / this.slotMs) * this.slotMs);
  }

  /** The value from the period's start to `nowMs` (call `advance(nowMs)` first). */
  value(nowMs: number): number | null {
    if (!this.#span) return null;
    return this.#valueOf(this.#acc, nowMs - this.#span.startMs);
  }

  /** True when a distinct count left values out at its memory bound: the value is a lower bound. */
  lowerBound(): boolean {
    return this.#acc.some((s) => s.capped === true);
  }

  /** The previous period's value after the same elapsed time, to the slot; null when unknown. */
  previous(nowMs: number): number | null {
    if (!this.#span || !this.#previousSpan) return null;
    const at = this.#previousSpan.startMs + (nowMs - this.#span.startMs);
    let found: number | null = null;
    for (const [t, v] of this.#previousCurve) {
      if (t > at) break;
      found = v;
    }
    return found;
  }

  /** The cumulative value at the end of each completed slot of the current period. */
  spark(): SeriesPoint[] {
    return this.#curve;
  }

  /**
   * Replaces the state with what the store holds (start-up rebuild): the accumulators of
   * the period containing `nowMs`, its sparkline so far, and the previous period's curve.
   */
  load(nowMs: number, measures: Stats[], curve: SeriesPoint[], previousCurve: SeriesPoint[]): void {
    const span = calendarSpan(this.window, this.timezone, nowMs);
    this.#span = span;
    this.#acc = measures;
    this.#curve = curve.filter(([t]) => t > span.startMs && t <= nowMs);
    this.#drawnTo = Math.floor(nowMs / this.slotMs) * this.slotMs;
    this.#previousSpan = previousCalendarSpan(this.window, this.timezone, span);
    this.#previousCurve = previousCurve;
  }
}
