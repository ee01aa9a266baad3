/**
 * Event-level scoring of flagged points against labelled anomaly intervals.
 *   - flagged points form runs; a run continues across up to MERGE_GAP_POINTS unflagged points
 *     (an n-of-m alert rule would not re-fire there either);
 *   - an anomaly is detected if any flagged point falls in [start, end + GRACE_POINTS];
 *     its delay is the first such point's index minus start;
 *   - a run touching no labelled interval (with grace) is one false alert.
 */
import type { DetectionPoint, DetectorName } from '@northstar/shared';
import type { AnomalyType, Label } from './generate.ts';

/** Points after an anomaly's end that still count for it: a level shift's return is flagged just after. */
export const GRACE_POINTS = 4;
export const MERGE_GAP_POINTS = 2;

export interface SeriesOutcome {
  events: Array<{ type: AnomalyType; detected: boolean; delay: number | null; by: DetectorName | null }>;
  /** Runs of flags: true ones touch a label. */
  trueRuns: number;
  falseRuns: number;
  falseRunDetectors: Array<DetectorName | null>;
}

export function scoreSeries(points: DetectionPoint[], labels: Label[]): SeriesOutcome {
  const inLabel = (i: number) => labels.some((l) => i >= l.start && i <= l.end + GRACE_POINTS);
  const events = labels.map((l) => {
    for (let i = l.start; i <= Math.min(points.length - 1, l.end + GRACE_POINTS); i++) {
      const p = points[i] as DetectionPoint;
      if (p.flag) return { type: l.type, detected: true, delay: i - l.start, by: p.detector };
    }
    return { type: l.type, detected: false, delay: null, by: null };
  });
  let trueRuns = 0;
  let falseRuns = 0;
  const falseRunDetectors: Array<DetectorName | null> = [];
  let i = 0;
  while (i < points.length) {
    if (!(points[i] as DetectionPoint).flag) {
      i++;
      continue;
    }
    let touches = false;
    const first = points[i] as DetectionPoint;
    let last = i;
    let j = i;
    while (j < points.length && j - last <= MERGE_GAP_POINTS) {
      if ((points[j] as DetectionPoint).flag) {
        last = j;
        if (inLabel(j)) touches = true;
      }
      j++;
    }
    if (touches) trueRuns++;
    else {
      falseRuns++;
      falseRunDetectors.push(first.detector);
    }
    i = last + 1;
  }
  return { events, trueRuns, falseRuns, falseRunDetectors };
}

export interface Row {
  name: string;
  series: number;
  events: number;
  detected: number;
  trueRuns: number;
  falseRuns: number;
  precision: number;
  recall: number;
  f1: number;
  medianDelay: number | null;
  falsePerSeriesWeek: number;
}

export function summarize(name: string, outcomes: SeriesOutcome[], weeks: number): Row {
  const events = outcomes.flatMap((o) => o.events);
  const detected = events.filter((e) => e.detected);
  const trueRuns = outcomes.reduce((a, o) => a + o.trueRuns, 0);
  const falseRuns = outcomes.reduce((a, o) => a + o.falseRuns, 0);
  const precision = trueRuns + falseRuns === 0 ? 1 : trueRuns / (trueRuns + falseRuns);
  const recall = events.length === 0 ? 1 : detected.length / events.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const delays = detected.map((e) => e.delay as number).sort((a, b) => a - b);
  const medianDelay =
    delays.length === 0
      ? null
      : delays.length % 2 === 1
        ? (delays[delays.length >> 1] as number)
        : ((delays[(delays.length >> 1) - 1] as number) + (delays[delays.length >> 1] as number)) / 2;
  return {
    name,
    series: outcomes.length,
    events: events.length,
    detected: detected.length,
    trueRuns,
    falseRuns,
    precision,
    recall,
    f1,
    medianDelay,
    falsePerSeriesWeek: falseRuns / (outcomes.length * weeks),
  };
}

export function formatTable(rows: Row[]): string {
  const head = [
    'anomaly type',
    'series',
    'events',
    'detected',
    'alerts',
    'false',
    'precision',
    'recall',
    'F1',
    'median delay',
    'false/series/week',
  ];
  const body = rows.map((r) => [
    r.name,
    String(r.series),
    String(r.events),
    String(r.detected),
    String(r.trueRuns + r.falseRuns),
    String(r.falseRuns),
    r.precision.toFixed(3),
    r.recall.toFixed(3),
    r.f1.toFixed(3),
    r.medianDelay === null ? '-' : String(r.medianDelay),
    r.falsePerSeriesWeek.toFixed(3),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((row) => (row[c] as string).length)));
  const line = (cells: string[]) =>
    '| ' + cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join(' | ') + ' |';
  const rule = '|' + widths.map((w, c) => (c === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(head), rule, ...body.map(line)].join('\n');
}
