import type { KpiState, MetricEvent, ResolvedKpi, SeriesPoint } from '@northstar/shared';
import { attainmentPercent, statusFor } from './attainment.ts';
import { RollingWindow, aggregate, needsSketch } from './rolling-window.ts';

/** Late events (into a completed slot) redraw a sparkline at most this often. */
export const SPARK_REDRAW_MIN_INTERVAL_MS = 10_000;

interface KpiRuntime {
  kpi: ResolvedKpi;
  window: RollingWindow;
  state: KpiState;
  spark: SeriesPoint[];
  /** The slot index the sparkline was drawn at; a new slot means a new point. */
  sparkSlot: number;
  sparkDrawnAt: number;
  /** An event landed in a completed slot: the drawn sparkline is out of date. */
  sparkStale: boolean;
}

export interface EvaluationResult {
  changed: KpiState[];
  /** Whole sparklines of the KPIs whose sparkline changed. */
  sparks: Array<{ id: string; points: SeriesPoint[] }>;
}

function sameState(a: KpiState, b: KpiState): boolean {
  return a.value === b.value && a.status === b.status && a.previous === b.previous && a.lastEventTs === b.lastEventTs;
}

/**
 * Pure core of the live path: events in, KPI states out. No I/O and no clock of its
 * own; the shell calls `evaluate(now)` on a timer, tests call it with any time.
 */
export class KpiEvaluator {
  readonly #byId = new Map<string, KpiRuntime>();
  readonly #byMetric = new Map<string, KpiRuntime[]>();
  readonly #lastEventTs = new Map<string, number>();

  constructor(kpis: readonly ResolvedKpi[]) {
    for (const kpi of kpis) {
      const runtime: KpiRuntime = {
        kpi,
        window: new RollingWindow(kpi.windowMs, needsSketch(kpi.aggregation)),
        state: {
          id: kpi.id,
          value: null,
          target: kpi.target,
          attainment: null,
          status: 'no_data',
          previous: null,
          lastEventTs: null,
          evaluatedAt: 0,
        },
        spark: [],
        sparkSlot: -1,
        sparkDrawnAt: -Infinity,
        sparkStale: true,
      };
      this.#byId.set(kpi.id, runtime);
      const list = this.#byMetric.get(kpi.metric) ?? [];
      list.push(runtime);
      this.#byMetric.set(kpi.metric, list);
    }
  }

  get kpis(): ResolvedKpi[] {
    return [...this.#byId.values()].map((r) => r.kpi);
  }

  metrics(): string[] {
    return [...this.#byMetric.keys()];
  }

  observe(events: readonly MetricEvent[]): void {
    for (const e of events) {
      const runtimes = this.#byMetric.get(e.metric);
      if (!runtimes) continue;
      for (const r of runtimes) {
        r.window.add(e.ts, e.value);
        if (Math.floor(e.ts / r.window.slotMs) < r.sparkSlot + 1) r.sparkStale = true;
      }
      const last = this.#lastEventTs.get(e.metric);
      if (last === undefined || e.ts > last) this.#lastEventTs.set(e.metric, e.ts);
    }
  }

  /** Used by the start-up rebuild; see rebuild.ts. */
  windowOf(kpiId: string): RollingWindow | undefined {
    return this.#byId.get(kpiId)?.window;
  }

  noteLastEvent(metric: string, ts: number): void {
    const last = this.#lastEventTs.get(metric);
    if (last === undefined || ts > last) this.#lastEventTs.set(metric, ts);
  }

  #compute(r: KpiRuntime, now: number): KpiState {
    const { kpi, window } = r;
    const value = aggregate(window.summarize(now, 0), kpi.aggregation, kpi.windowMs);
    const previous = aggregate(window.summarize(now, 1), kpi.aggregation, kpi.windowMs);
    return {
      id: kpi.id,
      value,
      target: kpi.target,
      attainment: attainmentPercent(value, kpi.target, kpi.direction),
      status: statusFor(value, kpi),
      previous,
      lastEventTs: this.#lastEventTs.get(kpi.metric) ?? null,
      evaluatedAt: now,
    };
  }

  /** Redraws the sparkline when a slot completed, or when late events changed a past one. */
  #redrawSpark(r: KpiRuntime, now: number): boolean {
    const slot = Math.floor(now / r.window.slotMs);
    const newSlot = slot !== r.sparkSlot;
    if (!newSlot && !(r.sparkStale && now - r.sparkDrawnAt >= SPARK_REDRAW_MIN_INTERVAL_MS)) return false;
    r.spark = r.window.history(now, r.kpi.aggregation);
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
