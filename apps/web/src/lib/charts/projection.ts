import type { KpiProjection } from '@northstar/shared';
import type { LineSeriesOption } from 'echarts/charts';
import type { HistoryColors } from './palette.ts';

/** The KPI chart's projection: from the live value now to the server's projection at the period's end. */
export interface ChartProjection extends KpiProjection {
  /** The live value and when it was evaluated: where the projection starts. */
  fromMs: number;
  fromValue: number;
}

export const PROJECTION_SERIES = { line: 'projection', low: 'projection-low', width: 'projection-width' } as const;
export const PROJECTION_LEGEND = 'Projection';

type Pair = [number, number];

/**
 * A preset range ("24h") was loaded a little before the live value was evaluated and reloads
 * as the clock moves: a range that ends within this of the live value's time is the live one.
 */
export const LIVE_RANGE_SLACK_MS = 15 * 60_000;

/**
 * The projection as a dashed line and a band (its low edge, then the width stacked on
 * top, as the target band is drawn), both straight from now to the period's end: the
 * numbers are the server's (shared/projection.ts), so the chart agrees with the tile.
 * Nothing when there is no projection, or when the range ends well before now (a past range
 * is history, not a forecast).
 */
export function projectionLayers(p: ChartProjection | null | undefined, rangeTo: number): { line: Pair[]; low: Pair[]; width: Pair[] } {
  if (!p || rangeTo < p.fromMs - LIVE_RANGE_SLACK_MS || p.endMs <= p.fromMs) return { line: [], low: [], width: [] };
  return {
    line: [
      [p.fromMs, p.fromValue],
      [p.endMs, p.value],
    ],
    low: [
      [p.fromMs, p.fromValue],
      [p.endMs, p.low],
    ],
    width: [
      [p.fromMs, 0],
      [p.endMs, p.high - p.low],
    ],
  };
}

/** The three series, always present (empty when there is nothing to draw): the chart merges options by series id. */
export function projectionSeries(layers: ReturnType<typeof projectionLayers>, colors: HistoryColors): LineSeriesOption[] {
  const quiet = { showSymbol: false, silent: true, connectNulls: false } as const;
  return [
    {
      id: PROJECTION_SERIES.low,
      name: 'Projection low',
      type: 'line',
      stack: 'projection-band',
      data: layers.low,
      ...quiet,
      lineStyle: { opacity: 0 },
    },
    {
      id: PROJECTION_SERIES.width,
      name: 'Projection band',
      type: 'line',
      stack: 'projection-band',
      data: layers.width,
      ...quiet,
      lineStyle: { opacity: 0 },
      areaStyle: { color: colors.area },
    },
    {
      id: PROJECTION_SERIES.line,
      name: PROJECTION_LEGEND,
      type: 'line',
      data: layers.line,
      ...quiet,
      z: 3,
      itemStyle: { color: colors.line },
      lineStyle: { color: colors.line, type: 'dashed', width: 2 },
    },
  ];
}
