import type { Annotation, Checkin, Confidence, SeriesPoint, TargetPoint } from '@northstar/shared';
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, MarkLineComponentOption, TooltipComponentOption } from 'echarts/components';
import { formatClock, formatValue } from '../format.ts';
import type { HistoryColors } from './palette.ts';

export type HistoryOption = ComposeOption<
  LineSeriesOption | ScatterSeriesOption | GridComponentOption | MarkLineComponentOption | TooltipComponentOption
>;

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
} as const;

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
export function historyTooltip(input: Pick<HistoryInput, 'annotations' | 'checkins' | 'unit' | 'now'>): (params: unknown) => string {
  return (raw) => {
    const p = (Array.isArray(raw) ? raw[0] : raw) as TooltipParams | undefined;
    if (!p || p.dataIndex === undefined) return '';
    const when = (ts: number) => escapeHtml(formatClock(ts, input.now));
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
  const { from, to, points, targets, annotations, checkins, unit, colors } = input;
  const lines = targetLines(targets);
  const dashed = { color: colors.target, type: 'dashed', width: 1.5 } as const;
  return {
    animation: false,
    grid: { left: 72, right: 32, top: 24, bottom: 32 },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: historyTooltip(input),
      extraCssText: 'max-width: 28rem; white-space: normal; overflow-wrap: anywhere;',
    },
    xAxis: {
      type: 'time',
      min: from,
      max: to,
      axisLabel: { color: colors.axis, hideOverlap: true },
      axisLine: { lineStyle: { color: colors.grid } },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: { color: colors.axis, formatter: (v: number) => formatValue(v, unit) },
      splitLine: { lineStyle: { color: colors.grid } },
    },
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
    ],
  };
}
