import {
  compareWith,
  missesTarget,
  type ComparisonOp,
  type DetectionPoint,
  type Direction,
  type SeriesPoint,
  type TargetPoint,
} from '@northstar/shared';
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components';
import { formatClock, formatValue } from '../format.ts';
import { escapeHtml, timeValueAxes } from './history.ts';
import type { PreviewColors } from './palette.ts';

export type PreviewOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | GridComponentOption | MarkLineComponentOption | TooltipComponentOption
>;

/** Series ids, fixed so the chart action merges a new preview into the same series. */
export const PREVIEW_SERIES = {
  value: 'value',
  bandLow: 'band-low',
  bandWidth: 'band-width',
  line: 'threshold',
  hits: 'hits',
} as const;

type Pair = [number, number | null];

/**
 * The points where a threshold condition starts to hold (the value crosses into it), each a would-be
 * alert. A gap (null) ends a crossing; a series that starts inside the condition counts as one.
 */
export function thresholdCrossings(points: readonly SeriesPoint[], op: ComparisonOp, threshold: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let inside = false;
  for (const [ts, v] of points) {
    if (v === null || !Number.isFinite(v)) {
      inside = false;
      continue;
    }
    const now = compareWith(v, op, threshold);
    if (now && !inside) out.push([ts, v]);
    inside = now;
  }
  return out;
}

/** Points on the bad side of the target in force (the status rule's approximation: off target). */
export function offTargetCrossings(points: readonly SeriesPoint[], targets: readonly TargetPoint[], direction: Direction): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  let inside = false;
  points.forEach(([ts, v], i) => {
    const t = targets[i];
    if (v === null || !t) {
      inside = false;
      return;
    }
    const [, target, low, high] = t;
    let bad: boolean;
    if (low !== null && high !== null) bad = v < low || v > high;
    else if (target === null) bad = false;
    else bad = missesTarget(v, target, direction);
    if (bad && !inside) out.push([ts, v]);
    inside = bad;
  });
  return out;
}

function valueTooltip(unit: string, now: number) {
  return (raw: unknown): string => {
    const p = (Array.isArray(raw) ? raw[0] : raw) as { value?: unknown; seriesId?: string } | undefined;
    if (!p || !Array.isArray(p.value)) return '';
    const [ts, v] = p.value as [number, number | null];
    const flagged = p.seriesId === PREVIEW_SERIES.hits ? ' · would alert' : '';
    return `${escapeHtml(formatClock(ts, now))}<br><strong>${escapeHtml(formatValue(v, unit))}</strong>${flagged}`;
  };
}

/** What every preview chart has besides its series: no animation, the margins, the tooltip and the time and value axes. */
function previewFrame(from: number, to: number, unit: string, colors: PreviewColors, now: number) {
  return {
    animation: false,
    grid: { left: 72, right: 24, top: 16, bottom: 28 },
    tooltip: { trigger: 'item' as const, confine: true, formatter: valueTooltip(unit, now) },
    ...timeValueAxes(from, to, unit, colors),
  };
}

function valueSeries(data: Pair[], colors: PreviewColors): LineSeriesOption {
  return {
    id: PREVIEW_SERIES.value,
    name: 'Value',
    type: 'line',
    data,
    connectNulls: false,
    showSymbol: false,
    z: 3,
    lineStyle: { color: colors.line, width: 1.5 },
  };
}

function hitSeries(data: Pair[], colors: PreviewColors): ScatterSeriesOption {
  // Diamonds, not only a colour: a flagged point reads without the hue.
  return {
    id: PREVIEW_SERIES.hits,
    name: 'Would alert',
    type: 'scatter',
    z: 4,
    symbol: 'diamond',
    symbolSize: 11,
    data,
    itemStyle: { color: colors.flag },
  };
}

export interface AnomalyPreviewInput {
  from: number;
  to: number;
  points: readonly DetectionPoint[];
  unit: string;
  colors: PreviewColors;
  now: number;
}

/** An anomaly rule on history: the series, the detectors' expected band (stacked low + width), and the flagged points. */
export function buildAnomalyPreviewOption(input: AnomalyPreviewInput): PreviewOption {
  const { from, to, points, unit, colors, now } = input;
  const band = points.map((p) => p.lower !== null && p.upper !== null);
  return {
    ...previewFrame(from, to, unit, colors, now),
    series: [
      valueSeries(
        points.map((p) => [p.ts, p.value]),
        colors,
      ),
      {
        id: PREVIEW_SERIES.bandLow,
        name: 'Expected low',
        type: 'line',
        stack: 'expected-band',
        data: points.map((p, i) => [p.ts, band[i] ? p.lower : null]),
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: { opacity: 0 },
      },
      {
        id: PREVIEW_SERIES.bandWidth,
        name: 'Expected band',
        type: 'line',
        stack: 'expected-band',
        data: points.map((p, i) => [p.ts, band[i] ? (p.upper as number) - (p.lower as number) : null]),
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: { opacity: 0 },
        areaStyle: { color: colors.band },
      },
      { id: PREVIEW_SERIES.line, name: 'Threshold', type: 'line', data: [], silent: true },
      hitSeries(
        points.filter((p) => p.flag).map((p) => [p.ts, p.value]),
        colors,
      ),
    ],
  };
}

export interface ThresholdPreviewInput {
  from: number;
  to: number;
  points: readonly SeriesPoint[];
  /** The line drawn: the threshold, or the target in force at each point for a status rule. */
  line: readonly Pair[];
  hits: readonly SeriesPoint[];
  unit: string;
  colors: PreviewColors;
  now: number;
}

/** A threshold or status rule on history: the series, the line it is judged against (dashed), and where it would have fired. */
export function buildThresholdPreviewOption(input: ThresholdPreviewInput): PreviewOption {
  const { from, to, points, line, hits, unit, colors, now } = input;
  return {
    ...previewFrame(from, to, unit, colors, now),
    series: [
      valueSeries(
        points.map(([ts, v]) => [ts, v]),
        colors,
      ),
      { id: PREVIEW_SERIES.bandLow, name: 'Expected low', type: 'line', data: [], silent: true },
      { id: PREVIEW_SERIES.bandWidth, name: 'Expected band', type: 'line', data: [], silent: true },
      {
        id: PREVIEW_SERIES.line,
        name: 'Threshold',
        type: 'line',
        step: 'end',
        data: line.map(([ts, v]) => [ts, v]),
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: { color: colors.threshold, type: 'dashed', width: 1.5 },
      },
      hitSeries(
        hits.map(([ts, v]) => [ts, v]),
        colors,
      ),
    ],
  };
}

/** A constant threshold as a line spanning the range. */
export function constantLine(from: number, to: number, value: number): Pair[] {
  return [
    [from, value],
    [to, value],
  ];
}
