import { kpiMeasures, type Aggregation, type KpiDefinition, type Measure } from '@northstar/shared';
import type { PartialShape } from './partial.ts';

const QUANTILES: ReadonlySet<Aggregation> = new Set(['p50', 'p90', 'p95', 'p99']);

/**
 * What events a measure reads, as one string every instance computes alike: the metric,
 * the filter (sorted) and the distinct dimension. The aggregation is left out, so a sum
 * and a p95 of the same events share one partial (with a sketch).
 */
export function measureKey(m: Pick<Measure, 'metric' | 'filter' | 'distinctBy' | 'aggregation'>): string {
  const filter = Object.entries(m.filter ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const distinctBy = m.aggregation === 'distinct_count' ? (m.distinctBy ?? null) : null;
  return JSON.stringify([m.metric, filter, distinctBy]);
}

/** One measure as the publisher folds events into it. */
export interface MeasureSpec extends PartialShape {
  key: string;
  metric: string;
  filterKeys: readonly string[];
  filterValues: readonly string[];
  distinctBy: string | undefined;
}

/** The measures of these KPIs by metric, one spec per measure key (sketch and distinct if any KPI needs them). */
export function measureSpecs(defs: readonly KpiDefinition[]): Map<string, MeasureSpec[]> {
  const byKey = new Map<string, MeasureSpec>();
  for (const def of defs) {
    for (const m of kpiMeasures(def)) {
      const key = measureKey(m);
      const spec = byKey.get(key);
      const sketch = QUANTILES.has(m.aggregation);
      if (spec) {
        spec.sketch ||= sketch;
        continue;
      }
      const entries = Object.entries(m.filter ?? {});
      const distinctBy = m.aggregation === 'distinct_count' ? m.distinctBy : undefined;
      byKey.set(key, {
        key,
        metric: m.metric,
        filterKeys: entries.map(([k]) => k),
        filterValues: entries.map(([, v]) => v),
        distinctBy,
        sketch,
        distinct: distinctBy !== undefined,
      });
    }
  }
  const byMetric = new Map<string, MeasureSpec[]>();
  for (const spec of byKey.values()) {
    const list = byMetric.get(spec.metric) ?? [];
    list.push(spec);
    byMetric.set(spec.metric, list);
  }
  return byMetric;
}

/** The event's value of the spec's distinct dimension, '' when it reads none; undefined when the event does not match. */
export function matchSpec(spec: MeasureSpec, dims: Readonly<Record<string, string>> | undefined): string | undefined {
  for (let i = 0; i < spec.filterKeys.length; i++) if (dims?.[spec.filterKeys[i]!] !== spec.filterValues[i]) return undefined;
  if (spec.distinctBy === undefined) return '';
  return dims?.[spec.distinctBy];
}
