import { type Aggregation, type KpiDefinition, type Measure } from '@northstar/shared';

/** Aggregations that are 0, not "no data", over a window without matching events: a ratio's numerator can be 0. */
export const ZERO_WHEN_EMPTY: ReadonlySet<Aggregation> = new Set(['count', 'sum', 'rate', 'distinct_count']);

/**
 * A KPI's value from the values of its measures (one, or a ratio's numerator and
 * denominator). Shared by the live evaluator and the history query so both agree.
 *
 * A ratio is numerator / denominator × scale; null when the denominator is null or 0.
 * A numerator without events counts as 0 for additive aggregations (no orders among
 * 40 sessions is a 0 % conversion), and as null otherwise (an average of nothing).
 */
export function combineMeasures(kpi: KpiDefinition, values: ReadonlyArray<number | null>): number | null {
  if (!kpi.ratio) return values[0] ?? null;
  const den = values[1] ?? null;
  if (den === null || den === 0) return null;
  const num = values[0] ?? (ZERO_WHEN_EMPTY.has(kpi.ratio.numerator.aggregation) ? 0 : null);
  if (num === null) return null;
  return (num / den) * kpi.ratio.scale;
}

/** A measure compiled for the hot path: the filter as parallel arrays, no per-event allocation. */
export interface CompiledMeasure {
  metric: string;
  aggregation: Aggregation;
  filterKeys: readonly string[];
  filterValues: readonly string[];
  /** distinct_count: the dimension counted; events without it are ignored. */
  distinctBy: string | undefined;
}

export function compileMeasure(m: Measure): CompiledMeasure {
  const entries = Object.entries(m.filter ?? {});
  return {
    metric: m.metric,
    aggregation: m.aggregation,
    filterKeys: entries.map(([k]) => k),
    filterValues: entries.map(([, v]) => v),
    distinctBy: m.aggregation === 'distinct_count' ? m.distinctBy : undefined,
  };
}

/** An event matches when every filter pair is among its dimensions. */
export function matchesFilter(m: CompiledMeasure, dims: Readonly<Record<string, string>> | undefined): boolean {
  const keys = m.filterKeys;
  for (let i = 0; i < keys.length; i++) {
    if (dims?.[keys[i] as string] !== m.filterValues[i]) return false;
  }
  return true;
}
