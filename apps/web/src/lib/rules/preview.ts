import type { DetectionPoint, Direction, SeriesPoint, SeriesResponse } from '@northstar/shared';
import { targetLines } from '../charts/history.ts';
import type { PreviewColors } from '../charts/palette.ts';
import {
  buildAnomalyPreviewOption,
  buildThresholdPreviewOption,
  constantLine,
  offTargetCrossings,
  thresholdCrossings,
  type PreviewOption,
} from '../charts/rulePreview.ts';
import type { RuleFormValues } from '../forms/ruleForm.ts';

/** How far back the preview looks. */
export const PREVIEW_RANGE_MS = 7 * 86_400_000;
/** When 7 days hold too many detection steps for a backtest, the preview falls back to this. */
export const PREVIEW_FALLBACK_MS = 86_400_000;

/** What the preview fetched: the detectors' backtest (anomaly rules) or the KPI's history (the others). */
export type PreviewData =
  | { kind: 'backtest'; kpi: string; from: number; to: number; points: DetectionPoint[]; flagged: number; loadedAt: number }
  | { kind: 'series'; kpi: string; from: number; to: number; series: SeriesResponse; loadedAt: number };

/** Which data a condition type is previewed on; null when it has no preview on history. */
export function previewSource(conditionType: RuleFormValues['conditionType']): PreviewData['kind'] | null {
  if (conditionType === 'anomaly') return 'backtest';
  if (conditionType === 'threshold' || conditionType === 'status') return 'series';
  return null;
}

/**
 * Where an anomaly rule would have started firing, as the server decides it: a point counts while
 * an anomaly episode lasts (the detectors flag its first point and hold its peak score until the
 * series is normal again; a point without `held` counts when flagged), and its score reaches the
 * rule's own score when it sets one; the rule holds when n of the last m points count, and each
 * run of holding is one alert, at its first point.
 */
export function anomalyFirings(points: readonly DetectionPoint[], n: number, m: number, score?: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  const window: boolean[] = [];
  let holding = false;
  let count = 0;
  for (const p of points) {
    const held = p.held ?? (p.flag ? p.score : null);
    const counts = held !== null && (score === undefined || held >= score);
    window.push(counts);
    if (counts) count++;
    if (window.length > m && window.shift()) count--;
    const holds = count >= n;
    if (holds && !holding) out.push([p.ts, p.value]);
    holding = holds;
  }
  return out;
}

export interface Preview {
  option: PreviewOption;
  /** How many times the rule would have fired over the range. */
  firings: number;
  /** The sentence under the chart. */
  summary: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The preview of the rule as the form stands, on what was fetched; null when the form's condition cannot be drawn on this data. */
export function buildPreview(
  data: PreviewData,
  v: Pick<RuleFormValues, 'conditionType' | 'op' | 'value' | 'score' | 'n' | 'm'>,
  kpi: { unit: string; direction: Direction },
  colors: PreviewColors,
): Preview | null {
  const days = Math.round((data.to - data.from) / 86_400_000);
  const span = days >= 1 ? `the last ${plural(days, 'day', 'days')}` : 'the last hours';
  if (data.kind === 'backtest') {
    if (v.conditionType !== 'anomaly') return null;
    const n = Number(v.n) || 3;
    const m = Math.max(Number(v.m) || 5, n);
    const score = v.score.trim() === '' || !Number.isFinite(Number(v.score)) ? undefined : Number(v.score);
    const firings = anomalyFirings(data.points, n, m, score);
    const option = buildAnomalyPreviewOption({
      from: data.from,
      to: data.to,
      points: data.points,
      unit: kpi.unit,
      colors,
      now: data.loadedAt,
    });
    return {
      option,
      firings: firings.length,
      summary: `Over ${span} the detectors flagged ${plural(data.flagged, 'point', 'points')}; with ${n} of ${m} this rule would have fired ${plural(firings.length, 'time', 'times')}.`,
    };
  }
  const points = data.series.points;
  if (v.conditionType === 'threshold') {
    const threshold = Number(v.value);
    if (v.value.trim() === '' || !Number.isFinite(threshold)) return null;
    const hits = thresholdCrossings(points, v.op, threshold);
    return {
      option: buildThresholdPreviewOption({
        from: data.from,
        to: data.to,
        points,
        line: constantLine(data.from, data.to, threshold),
        hits,
        unit: kpi.unit,
        colors,
        now: data.loadedAt,
      }),
      firings: hits.length,
      summary: `Over ${span} the value crossed ${v.op} ${threshold} ${plural(hits.length, 'time', 'times')} (before the rule's "for").`,
    };
  }
  if (v.conditionType === 'status') {
    const hits = offTargetCrossings(points, data.series.targets, kpi.direction);
    return {
      option: buildThresholdPreviewOption({
        from: data.from,
        to: data.to,
        points,
        line: targetLines(data.series.targets).line,
        hits,
        unit: kpi.unit,
        colors,
        now: data.loadedAt,
      }),
      firings: hits.length,
      summary: `Over ${span} the value went past its target ${plural(hits.length, 'time', 'times')} (the status also depends on the warning and critical thresholds).`,
    };
  }
  return null;
}
