import type { MetricEvent } from '@northstar/shared';
import { KpiEvaluator, type MeasurePartial } from '../evaluate/evaluator.ts';

/**
 * The evaluator, telling the wall loop when stored events reached it, so the KPIs they
 * touch are evaluated right after the write instead of at the next tick.
 */
export class ObservedEvaluator extends KpiEvaluator {
  #listener: (() => void) | undefined;

  onObserved(listener: () => void): void {
    this.#listener = listener;
  }

  override observe(events: readonly MetricEvent[]): void {
    super.observe(events);
    if (events.length > 0) this.#listener?.();
  }

  /** Partials (issue 17) are events too, counted by whichever instance owns them. */
  override mergePartials(partials: Iterable<MeasurePartial>): void {
    super.mergePartials(partials);
    this.#listener?.();
  }
}
