import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import { querySeries } from '../store/series-query.ts';
import type { KpiEvaluator } from './evaluator.ts';
import type { IngestBarrier } from './live-rebuild.ts';

export interface CurveRefreshDeps {
  evaluator: KpiEvaluator;
  clickhouse: ClickHouseClient;
  ingest: Pick<IngestBarrier, 'drain'>;
  log: Logger;
  intervalMs: number;
}

/** How often calendar sparklines behind late events are redrawn from the store. */
export const CURVE_REFRESH_INTERVAL_MS = 5_000;

/**
 * A calendar window draws its sparkline as the period goes by; events that arrive late for
 * slots already drawn (the demo's backfill, a producer catching up after an outage) move
 * the value at once but not the points, so a tile showed €1.5M beside an empty line. This
 * redraws those curves from the store, which holds every event, at most once per interval;
 * it touches only the drawn points, never the value, so nothing is counted twice.
 */
export class CurveRefresh {
  readonly #deps: CurveRefreshDeps;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(deps: CurveRefreshDeps) {
    this.#deps = deps;
  }

  start(): void {
    this.#timer = setInterval(() => void this.refresh(), this.#deps.intervalMs);
    this.#timer.unref();
  }

  /**
   * Stops the timer. A run in flight is not waited for (it may be waiting for ingest to
   * drain while the server shuts down); it stops before its next store query.
   */
  stop(): void {
    this.#closed = true;
    clearInterval(this.#timer);
  }

  /** Redraws the curves that are behind (one run at a time). */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#running ??= this.#refresh().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #refresh(): Promise<void> {
    const { evaluator, clickhouse, ingest, log } = this.#deps;
    const behind = evaluator.takeCurvesBehind();
    if (behind.length === 0) return;
    // events counted before this point are stored once the writes holding them settle
    await ingest.drain();
    if (this.#closed) return;
    const nowMs = Date.now();
    for (const { kpi, window } of behind) {
      if (this.#closed) return;
      const span = window.span;
      if (!span) continue;
      const toMs = Math.floor(nowMs / window.slotMs) * window.slotMs;
      if (toMs <= span.startMs) continue;
      try {
        const curve = await querySeries(clickhouse, kpi, { fromMs: span.startMs, toMs, stepMs: window.slotMs });
        window.replaceCurve(span.startMs, curve);
        evaluator.curveReplaced(kpi.id, window);
      } catch (err) {
        log.warn(
          { err: (err as Error).message, kpi: kpi.id },
          'could not redraw a sparkline from the store; the next late event tries again',
        );
      }
    }
  }
}
