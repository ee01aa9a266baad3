import type { KpiDefinition, KpiState, SeriesPoint, WallKpi } from '@northstar/shared';
import { kpiStateOf } from '@northstar/shared/kpi-state.fixture';

/** A KPI as the wall holds it, for the wall's tests: a sum over 5 minutes, higher is better, a target of 100. */
export function wallKpiOf(
  id: string,
  over: { definition?: Partial<KpiDefinition>; state?: KpiState; spark?: SeriesPoint[] } = {},
): WallKpi {
  return {
    definition: {
      id,
      name: id,
      metric: 'm',
      aggregation: 'sum',
      window: '5m',
      timezone: 'UTC',
      direction: 'higher_is_better',
      target: 100,
      ...over.definition,
    },
    state: over.state ?? kpiStateOf(id),
    spark: over.spark ?? [],
  };
}
