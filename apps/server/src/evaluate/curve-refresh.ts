import type { Logger } from 'pino';
import type { KpiEvaluator } from './evaluator.ts';
import { StoreRefresh } from './store-refresh.ts';
import type { WindowReads } from './window-reads.ts';

export interface CurveRefreshDeps {
  evaluator: Pick<KpiEvaluator, 'takeCurvesBehind' | 'curveReplaced'>;
  reads: Pick<WindowReads, 'series'>;
  drain: () => Promise<void>;
  log: Logger;
}

type CurveBehind = ReturnType<KpiEvaluator['takeCurvesBehind']>[number];

/** How often calendar sparklines behind late events are redrawn from the store. */
export const CURVE_REFRESH_INTERVAL_MS = 5_000;

/**
 * A calendar window draws its sparkline as the period goes by; events that arrive late for
 * slots already drawn (the demo's backfill, a producer catching up after an outage) move
 * the value at once but not the points, so a tile showed €1.5M beside an empty line. This
 * redraws those curves from the store, which holds every event, at most once per interval;
 * it touches only the drawn points, never the value, so nothing is counted twice.
 */
export class CurveRefresh extends StoreRefresh<CurveBehind> {
  readonly #deps: CurveRefreshDeps;

  constructor(deps: CurveRefreshDeps) {
    super(deps);
    this.#deps = deps;
  }

  protected due(): CurveBehind[] {
    return this.#deps.evaluator.takeCurvesBehind();
  }

  protected async redo({ kpi, window }: CurveBehind): Promise<void> {
    const { evaluator, reads, log } = this.#deps;
    const span = window.span;
    if (!span) return;
    const toMs = Math.floor(Date.now() / window.slotMs) * window.slotMs;
    if (toMs <= span.startMs) return;
    try {
      const curve = await reads.series(kpi, { fromMs: span.startMs, toMs, stepMs: window.slotMs });
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
