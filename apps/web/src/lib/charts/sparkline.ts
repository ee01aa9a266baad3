import type { SeriesPoint } from '@northstar/shared';
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, MarkLineComponentOption } from 'echarts/components';

export type SparklineOption = ComposeOption<LineSeriesOption | GridComponentOption | MarkLineComponentOption>;

export interface SparklineInput {
  points: readonly SeriesPoint[];
  /** Dashed reference lines: the target, a band's low and high, or none. */
  targets: readonly number[];
  colors: { line: string; area: string; target: string };
}

/** Space above and below the data so the line and target never touch the tile's edges. */
const PADDING_SHARE = 0.1;

/** The y range covering every value and target line, padded; null values are gaps. */
export function sparklineRange(points: readonly SeriesPoint[], targets: readonly number[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of [...targets, ...points.map((p) => p[1])]) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return { min: 0, max: 1 };
  const span = max - min || Math.abs(max) || 1;
  return { min: min - span * PADDING_SHARE, max: max + span * PADDING_SHARE };
}

/**
 * A tile's sparkline: the window's points with the target (or a band's edges) as dashed lines. No axes,
 * labels or animation: it is read at a glance from across the room, updated 4 times a second.
 */
export function buildSparklineOption({ points, targets, colors }: SparklineInput): SparklineOption {
  const { min, max } = sparklineRange(points, targets);
  return {
    animation: false,
    grid: { left: 0, right: 0, top: 2, bottom: 2 },
    xAxis: { type: 'time', show: false },
    yAxis: { type: 'value', show: false, min, max },
    series: [
      {
        type: 'line',
        data: points.map(([ts, v]) => [ts, v]),
        showSymbol: false,
        connectNulls: false,
        silent: true,
        lineStyle: { color: colors.line, width: 2 },
        areaStyle: { color: colors.area },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { show: false },
          lineStyle: { color: colors.target, type: 'dashed', width: 1 },
          data: targets.map((yAxis) => ({ yAxis })),
        },
      },
    ],
  };
}
