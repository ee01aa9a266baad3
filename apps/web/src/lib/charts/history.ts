import type {
  AlertTransition,
  Annotation,
  Checkin,
  Confidence,
  DetectionPoint,
  SeriesComparison,
  SeriesPoint,
  TargetPoint,
} from '@northstar/shared';
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { Overlay } from '../detail/view.ts';
import { formatClock, formatValue } from '../format.ts';
import type { HistoryColors } from './palette.ts';
import { PROJECTION_LEGEND, projectionLayers, projectionSeries, type ChartProjection } from './projection.ts';
import { timeTickLabel } from './timeTicks.ts';

export type HistoryOption = ComposeOption<
  | LineSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
  | DataZoomComponentOption
  | LegendComponentOption
>;

/** An alert that started firing in the range, as the alert history lists it (the rule is in the key). */
export type AlertMark = Pick<AlertTransition, 'key' | 'to' | 'reason' | 'at' | 'value'>;

export interface HistoryInput {
  /** The x range, epoch ms. */
  from: number;
  to: number;
  points: readonly SeriesPoint[];
  /** The target in force at each point (as the series endpoint returns it). */
  targets: readonly TargetPoint[];
  annotations: readonly Annotation[];
  checkins: readonly Checkin[];
  unit: string;
  colors: HistoryColors;
  /** For tooltip times ("10:42" today, "24 Nov 10:42" before). */
  now: number;
  /** Earlier periods laid onto this range's timestamps, drawn dashed. */
  comparison?: SeriesComparison;
  /** A detector backtest over the range: the expected band and the flagged points. */
  detection?: readonly DetectionPoint[];
  /** Alert transitions in the range; those to "alerting" are drawn. */
  alerts?: readonly AlertMark[];
  /** Overlays left out of the drawing (their series stay, empty). */
  hide?: readonly Overlay[];
  /** Calendar KPIs: the live end-of-period projection; drawn (and the axis stretched to the period's end) when the range reaches now. */
  projection?: ChartProjection | null;
}

/**
 * Series ids, in a fixed order: the chart action merges updates into the instance, so every
 * option has the same series and a range change only replaces their data.
 */
export const HISTORY_SERIES = {
  value: 'value',
  target: 'target',
  bandLow: 'band-low',
  bandWidth: 'band-width',
  checkins: 'checkins',
  previous: 'previous',
  lastYear: 'last-year',
  anomalyLow: 'anomaly-low',
  anomalyWidth: 'anomaly-width',
  anomalies: 'anomalies',
  alerts: 'alerts',
} as const;

/** The zoom components' ids: the inside zoom (wheel, drag) and the slider below the chart (brush to select). */
export const HISTORY_ZOOM = { inside: 'zoom-inside', slider: 'zoom-slider' } as const;

export const COMPARISON_NAMES = { previous: 'Previous period', lastYear: 'Same period last year' } as const;

/** Check-in marker shapes echo the status badges (circle on track, triangle at risk, square off track), so colour is not alone. */
const CONFIDENCE_SYMBOLS: Readonly<Record<Confidence, string>> = { high: 'circle', medium: 'triangle', low: 'rect' };

const LABEL_CHARS = 28;
const TOOLTIP_CHARS = 400;

type Pair = [number, number | null];

/**
 * Splits the target in force into a line (a single target) and a band (within_range low/high), point by
 * point, so a KPI whose direction changed in the range shows each where it applied. The band is drawn as
 * a stacked area: its low edge, then the width on top.
 */
export function targetLines(targets: readonly TargetPoint[]): { line: Pair[]; low: Pair[]; width: Pair[] } {
  const line: Pair[] = [];
  const low: Pair[] = [];
  const width: Pair[] = [];
  for (const [ts, target, lo, hi] of targets) {
    const band = lo !== null && hi !== null;
    line.push([ts, band ? null : target]);
    low.push([ts, band ? lo : null]);
    width.push([ts, band ? hi - lo : null]);
  }
  return { line, low, width };
}

/** The detector's expected band as a stacked area (lower edge, then width), and the flagged points. */
export function anomalyLayers(
  points: readonly DetectionPoint[],
  /** The lowest value the KPI can take (0 for one that is never negative): the band is not drawn below it. */
  floor = Number.NEGATIVE_INFINITY,
  /** Nor above this (bandCeiling): a detector still learning a spiky KPI must not flatten its series. */
  ceiling = Number.POSITIVE_INFINITY,
): { low: Pair[]; width: Pair[]; flags: DetectionPoint[] } {
  const low: Pair[] = [];
  const width: Pair[] = [];
  const flags: DetectionPoint[] = [];
  for (const p of points) {
    const band = p.lower !== null && p.upper !== null && Number.isFinite(p.lower) && Number.isFinite(p.upper);
    const lower = band ? Math.min(ceiling, Math.max(floor, p.lower as number)) : null;
    const upper = band ? Math.min(ceiling, Math.max(floor, p.upper as number)) : null;
    low.push([p.ts, lower]);
    width.push([p.ts, lower !== null && upper !== null ? Math.max(0, upper - lower) : null]);
    if (p.flag && p.value !== null) flags.push(p);
  }
  return { low, width, flags };
}

/**
 * How high the expected band may be drawn: half the span of everything else on the chart (the
 * series, targets, comparisons) above its top. The value axis scales to what is drawn, so a band
 * of 35 /s around a series of 0.1 /s (the demo's API errors while its detector learns) made the
 * series, its target and its anomalies a flat line at 0. The band's true edges stay in the tooltip.
 */
export function bandCeiling(values: Iterable<number | null>): number {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  if (max === Number.NEGATIVE_INFINITY) return Number.POSITIVE_INFINITY;
  // a flat series has no span: a quarter of its size (or 1 for a flat 0) leaves the band room to show
  return max + Math.max(0.5 * (max - min), 0.25 * Math.abs(max), max === min && max === 0 ? 1 : 0);
}

/** Whether a series has anything to draw. */
export function hasValues(points: readonly SeriesPoint[] | undefined): boolean {
  return (points ?? []).some(([, v]) => v !== null);
}

/** The legend's name for the alert lines. */
export const ALERTS_LEGEND = 'Alert started';

/** The alerts worth a mark: each time one started firing, oldest first. */
export function firingAlerts(alerts: readonly AlertMark[]): AlertMark[] {
  return alerts.filter((a) => a.to === 'alerting').sort((a, b) => a.at - b.at);
}

/** The rule's part of an alert key ("rule|kpi|series" or "rule"). */
export function alertRule(key: string): string {
  return key.split('|')[0] ?? key;
}

/** The time window [from, to] a zoom selects, from the percentages the dataZoom reports over the axis span. */
export function zoomWindow(span: { from: number; to: number }, startPct: number, endPct: number): { from: number; to: number } {
  const width = span.to - span.from;
  const clamp = (pct: number) => Math.min(100, Math.max(0, pct));
  return { from: span.from + (width * clamp(startPct)) / 100, to: span.from + (width * clamp(endPct)) / 100 };
}

/** Where a check-in sits vertically: on the value nearest in time, else on the target, else 0. */
export function markerY(points: readonly SeriesPoint[], targets: readonly TargetPoint[], ts: number): number {
  const nearest = (rows: ReadonlyArray<readonly [number, number | null, ...unknown[]]>): number | null => {
    let best: number | null = null;
    let bestGap = Number.POSITIVE_INFINITY;
    for (const [t, v] of rows) {
      if (v === null || !Number.isFinite(v)) continue;
      const gap = Math.abs(t - ts);
      if (gap < bestGap) {
        bestGap = gap;
        best = v;
      }
    }
    return best;
  };
  const bandMid = targets.map(([t, target, lo, hi]): [number, number | null] => [t, lo !== null && hi !== null ? (lo + hi) / 2 : target]);
  return nearest(points) ?? nearest(bandMid) ?? 0;
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/** The label on an annotation's line: its kind and the start of its text. */
export function annotationLabel(a: Pick<Annotation, 'kind' | 'text'>): string {
  return `${a.kind}: ${truncate(a.text, LABEL_CHARS)}`;
}

/** The time axis over [from, to] and the value axis in the KPI's unit, shared by the history chart and the rule preview. */
export function timeValueAxes(from: number, to: number, unit: string, colors: { axis: string; grid: string }) {
  return {
    xAxis: {
      type: 'time' as const,
      min: from,
      max: to,
      axisLabel: { color: colors.axis, hideOverlap: true, formatter: (v: number) => timeTickLabel(v, to - from) },
      axisLine: { lineStyle: { color: colors.grid } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value' as const,
      scale: true,
      axisLabel: { color: colors.axis, formatter: (v: number) => formatValue(v, unit) },
      splitLine: { lineStyle: { color: colors.grid } },
    },
  };
}

/** A comparison under the value line: a thin dashed line whose points show only under the pointer. */
function comparisonLine(
  which: 'previous' | 'lastYear',
  points: readonly SeriesPoint[],
  color: string,
  dash: 'dashed' | number[],
): LineSeriesOption {
  return {
    id: HISTORY_SERIES[which],
    name: COMPARISON_NAMES[which],
    type: 'line',
    data: points.map(([ts, v]) => [ts, v]),
    connectNulls: false,
    z: 2,
    symbol: 'circle',
    symbolSize: 5,
    itemStyle: { color, opacity: 0 },
    emphasis: { itemStyle: { opacity: 1 } },
    lineStyle: { color, type: dash, width: 1.5 },
  };
}

/** ECharts inserts tooltip strings as HTML; annotation and check-in texts are user data. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

interface TooltipParams {
  componentType?: string;
  seriesId?: string;
  dataIndex?: number;
  value?: unknown;
}

/** The tooltip text (escaped HTML) for whatever the pointer is on: a value, an annotation line or a check-in. */
export function historyTooltip(
  input: Pick<HistoryInput, 'annotations' | 'checkins' | 'unit' | 'now' | 'detection' | 'alerts'>,
): (params: unknown) => string {
  const flags = anomalyLayers(input.detection ?? []).flags;
  const firing = firingAlerts(input.alerts ?? []);
  return (raw) => {
    const p = (Array.isArray(raw) ? raw[0] : raw) as TooltipParams | undefined;
    if (!p || p.dataIndex === undefined) return '';
    const when = (ts: number) => escapeHtml(formatClock(ts, input.now));
    const value = (v: number | null) => escapeHtml(formatValue(v, input.unit));
    if (p.componentType === 'markLine' && p.seriesId === HISTORY_SERIES.alerts) {
      const a = firing[p.dataIndex];
      if (!a) return '';
      const at = a.value === null ? '' : ` at ${value(a.value)}`;
      return `<strong>Alert: ${escapeHtml(truncate(alertRule(a.key), LABEL_CHARS))}</strong> · ${when(a.at)}${at}<br>${escapeHtml(truncate(a.reason, TOOLTIP_CHARS))}`;
    }
    if (p.seriesId === HISTORY_SERIES.anomalies) {
      const f = flags[p.dataIndex];
      if (!f) return '';
      const band = f.lower !== null && f.upper !== null ? `<br>expected ${value(f.lower)} – ${value(f.upper)}` : '';
      return `<strong>Anomaly</strong> · ${when(f.ts)}<br><strong>${value(f.value)}</strong>${band}<br>score ${f.score.toFixed(2)}`;
    }
    if ((p.seriesId === HISTORY_SERIES.previous || p.seriesId === HISTORY_SERIES.lastYear) && Array.isArray(p.value)) {
      const [ts, v] = p.value as [number, number | null];
      const name = p.seriesId === HISTORY_SERIES.previous ? COMPARISON_NAMES.previous : COMPARISON_NAMES.lastYear;
      return `${escapeHtml(name)}, against ${when(ts)}<br><strong>${value(v)}</strong>`;
    }
    if (p.componentType === 'markLine') {
      const a = input.annotations[p.dataIndex];
      if (!a) return '';
      const by = a.author ? ` · ${escapeHtml(a.author)}` : '';
      return `<strong>${escapeHtml(a.kind)}</strong> · ${when(a.ts)}${by}<br>${escapeHtml(truncate(a.text, TOOLTIP_CHARS))}`;
    }
    if (p.seriesId === HISTORY_SERIES.checkins) {
      const c = input.checkins[p.dataIndex];
      if (!c) return '';
      const by = c.author ? ` · ${escapeHtml(c.author)}` : '';
      return `<strong>Check-in, ${escapeHtml(c.confidence)} confidence</strong> · ${when(c.at)}${by}<br>${escapeHtml(truncate(c.narrative, TOOLTIP_CHARS))}`;
    }
    if (p.seriesId === HISTORY_SERIES.value && Array.isArray(p.value)) {
      const [ts, v] = p.value as [number, number | null];
      return `${when(ts)}<br><strong>${escapeHtml(formatValue(v, input.unit))}</strong>`;
    }
    return '';
  };
}

/**
 * The KPI history chart: the series, the target in force as a stepped line (or a band for
 * within_range), annotations as labelled vertical lines pinned to the time axis, and check-ins
 * as markers coloured (and shaped) by confidence, with their narrative in the tooltip.
 */
export function buildHistoryOption(input: HistoryInput): HistoryOption {
  const { from, to, points, unit, colors } = input;
  const hidden = new Set(input.hide ?? []);
  const targets = hidden.has('target') ? [] : input.targets;
  const annotations = hidden.has('notes') ? [] : input.annotations;
  const checkins = hidden.has('notes') ? [] : input.checkins;
  const lines = targetLines(targets);
  // A KPI that has never been negative (a count, a sum of amounts) gets no band below zero.
  const floor = points.some(([, v]) => v !== null && v < 0) ? Number.NEGATIVE_INFINITY : 0;
  const previous = input.comparison?.previous ?? [];
  const lastYear = input.comparison?.lastYear ?? [];
  const ceiling = bandCeiling(
    [...points, ...previous, ...lastYear].map(([, v]) => v).concat(targets.flatMap(([, target, lo, hi]) => [target, lo, hi])),
  );
  const anomaly = anomalyLayers(hidden.has('anomalies') ? [] : (input.detection ?? []), floor, ceiling);
  const firing = hidden.has('alerts') ? [] : firingAlerts(input.alerts ?? []);
  const dashed = { color: colors.target, type: 'dashed', width: 1.5 } as const;
  const projection = projectionLayers(hidden.has('target') ? null : input.projection, to);
  const projected = projection.line.length > 0;
  const legend = [
    'Value',
    ...(lines.line.some(([, v]) => v !== null) ? ['Target'] : []),
    ...(projected ? [PROJECTION_LEGEND] : []),
    ...(hasValues(previous) ? [COMPARISON_NAMES.previous] : []),
    ...(hasValues(lastYear) ? [COMPARISON_NAMES.lastYear] : []),
    ...(anomaly.low.some(([, v]) => v !== null) ? ['Expected band'] : []),
    ...(anomaly.flags.length > 0 ? ['Anomalies'] : []),
    // the dashed red lines: named, so nobody has to guess what they are
    ...(firing.length > 0 ? [ALERTS_LEGEND] : []),
  ];
  return {
    animation: false,
    grid: { left: 72, right: 32, top: 36, bottom: 72 },
    legend: {
      top: 0,
      right: 32,
      // The overlays are switched by the page's checkboxes (and the URL), not by the legend.
      selectedMode: false,
      data: legend,
      textStyle: { color: colors.axis },
      itemStyle: { opacity: 1 },
    },
    dataZoom: [
      // Wheel and drag on the chart; the page turns the settled window into a custom range.
      { type: 'inside', id: HISTORY_ZOOM.inside, xAxisIndex: 0, filterMode: 'none', start: 0, end: 100, zoomOnMouseWheel: true },
      {
        type: 'slider',
        id: HISTORY_ZOOM.slider,
        xAxisIndex: 0,
        filterMode: 'none',
        start: 0,
        end: 100,
        bottom: 8,
        height: 24,
        brushSelect: true,
        borderColor: colors.grid,
        textStyle: { color: colors.axis },
        labelFormatter: (value: number) => formatClock(value, input.now),
      },
    ],
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: historyTooltip({
        ...input,
        annotations,
        checkins,
        detection: hidden.has('anomalies') ? [] : input.detection,
        alerts: hidden.has('alerts') ? [] : input.alerts,
      }),
      extraCssText: 'max-width: 28rem; white-space: normal; overflow-wrap: anywhere;',
    },
    ...timeValueAxes(from, projected ? Math.max(to, input.projection!.endMs) : to, unit, colors),
    series: [
      {
        id: HISTORY_SERIES.value,
        name: 'Value',
        type: 'line',
        data: points.map(([ts, v]) => [ts, v]),
        connectNulls: false,
        z: 3,
        // Invisible until hovered: the line stays clean and every point still has a tooltip.
        symbol: 'circle',
        symbolSize: 7,
        showSymbol: true,
        itemStyle: { color: colors.line, opacity: 0 },
        emphasis: { itemStyle: { opacity: 1 } },
        lineStyle: { color: colors.line, width: 2 },
        areaStyle: { color: colors.area },
        markLine: {
          symbol: ['pin', 'none'],
          symbolSize: 18,
          animation: false,
          label: { show: true, position: 'insideEndTop', formatter: '{b}', color: colors.annotation },
          lineStyle: { color: colors.annotation, type: 'solid', width: 1.5 },
          emphasis: { lineStyle: { width: 3 } },
          data: annotations.map((a) => ({ xAxis: a.ts, name: annotationLabel(a) })),
        },
      },
      {
        id: HISTORY_SERIES.target,
        name: 'Target',
        type: 'line',
        step: 'end',
        data: lines.line,
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: dashed,
        itemStyle: { color: colors.target },
      },
      {
        id: HISTORY_SERIES.bandLow,
        name: 'Target low',
        type: 'line',
        step: 'end',
        stack: 'target-band',
        data: lines.low,
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: dashed,
      },
      {
        id: HISTORY_SERIES.bandWidth,
        name: 'Target high',
        type: 'line',
        step: 'end',
        stack: 'target-band',
        data: lines.width,
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: dashed,
        areaStyle: { color: colors.band },
      },
      {
        id: HISTORY_SERIES.checkins,
        name: 'Check-ins',
        type: 'scatter',
        z: 4,
        symbolSize: 13,
        data: checkins.map((c) => ({
          value: [c.at, markerY(points, targets, c.at)],
          symbol: CONFIDENCE_SYMBOLS[c.confidence],
          itemStyle: { color: colors.confidence[c.confidence], borderColor: colors.axis, borderWidth: 1 },
        })),
      },
      comparisonLine('previous', previous, colors.previous, 'dashed'),
      comparisonLine('lastYear', lastYear, colors.lastYear, [2, 4]),
      {
        id: HISTORY_SERIES.anomalyLow,
        name: 'Expected low',
        type: 'line',
        stack: 'anomaly-band',
        data: anomaly.low,
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: { opacity: 0 },
      },
      {
        id: HISTORY_SERIES.anomalyWidth,
        name: 'Expected band',
        type: 'line',
        stack: 'anomaly-band',
        data: anomaly.width,
        connectNulls: false,
        showSymbol: false,
        silent: true,
        lineStyle: { opacity: 0 },
        itemStyle: { color: colors.anomalyBand },
        areaStyle: { color: colors.anomalyBand },
      },
      {
        id: HISTORY_SERIES.anomalies,
        name: 'Anomalies',
        type: 'scatter',
        z: 5,
        symbol: 'diamond',
        symbolSize: 11,
        itemStyle: { color: colors.flag, borderColor: colors.axis, borderWidth: 1 },
        data: anomaly.flags.map((f) => [f.ts, f.value]),
      },
      {
        // No data of its own: a carrier for the alert lines, pinned to the time axis like annotations.
        id: HISTORY_SERIES.alerts,
        name: ALERTS_LEGEND,
        type: 'line',
        data: [],
        // the legend draws this series' line: the alert lines' colour and dash
        lineStyle: { color: colors.alert, type: 'dashed', width: 1.5 },
        itemStyle: { color: colors.alert },
        markLine: {
          symbol: ['triangle', 'none'],
          symbolSize: 12,
          animation: false,
          label: { show: false },
          lineStyle: { color: colors.alert, type: 'dashed', width: 1.5 },
          emphasis: { lineStyle: { width: 3 } },
          data: firing.map((a) => ({ xAxis: a.at, name: `Alert: ${alertRule(a.key)}` })),
        },
      },
      ...projectionSeries(projection, colors),
    ],
  };
}
