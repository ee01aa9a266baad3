import type { KpiState, MetricEvent, ResolvedKpi, SeriesPoint } from '@northstar/shared';
import { attainmentPercent, statusFor } from './attainment.ts';
import { RollingWindow, aggregate, needsSketch } from './rolling-window.ts';

export interface EvaluatorOptions {
  /** How often a sparkline point is taken. */
  sparkIntervalMs: number;
  /** How many sparkline points each KPI keeps. */
  sparkPoints: number;
}

interface KpiRuntime {
  kpi: ResolvedKpi;
  window: RollingWindow;
  state: KpiState;
  spark: SeriesPoint[];
}

export interface EvaluationResult {
  changed: KpiState[];
  sparkPoints: Array<{ id: string; point: SeriesPoint }>;
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
  readonly #opts: EvaluatorOptions;
  #nextSparkAt = 0;

  constructor(kpis: readonly ResolvedKpi[], opts: EvaluatorOptions) {
    this.#opts = opts;
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
      for (const r of runtimes) r.window.add(e.ts, e.value);
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

  seedSpark(kpiId: string, points: SeriesPoint[]): void {
    const r = this.#byId.get(kpiId);
    if (r) r.spark = points.slice(-this.#opts.sparkPoints);
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

  /** Recomputes every KPI at `now`; returns the states that changed and any new sparkline points. */
  evaluate(now: number): EvaluationResult {
    const changed: KpiState[] = [];
    const sparkPoints: EvaluationResult['sparkPoints'] = [];
    const takeSpark = now >= this.#nextSparkAt;
    if (takeSpark) this.#nextSparkAt = (Math.floor(now / this.#opts.sparkIntervalMs) + 1) * this.#opts.sparkIntervalMs;
    for (const r of this.#byId.values()) {
      const next = this.#compute(r, now);
      if (!sameState(r.state, next)) changed.push(next);
      r.state = next;
      if (takeSpark) {
        const point: SeriesPoint = [now, next.value];
        r.spark.push(point);
        if (r.spark.length > this.#opts.sparkPoints) r.spark.shift();
        sparkPoints.push({ id: r.kpi.id, point });
      }
    }
    return { changed, sparkPoints };
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
