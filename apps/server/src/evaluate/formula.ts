import type { Aggregation, Measure } from '@northstar/shared';

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
