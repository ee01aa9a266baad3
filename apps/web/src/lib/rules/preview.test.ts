import type { DetectionPoint, SeriesPoint, SeriesResponse } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { previewColors } from '../charts/palette.ts';
import { PREVIEW_SERIES, buildAnomalyPreviewOption, offTargetCrossings, thresholdCrossings } from '../charts/rulePreview.ts';
import { ruleToForm } from '../forms/ruleForm.ts';
import { FEW_VERDICTS, precisionView } from './rulesView.ts';
import { anomalyFirings, buildPreview, previewSource, type PreviewData } from './preview.ts';

const colors = previewColors(false);
const DAY = 86_400_000;

function dp(ts: number, value: number | null, flag = false, score = flag ? 0.9 : 0.1): DetectionPoint {
  return { ts, value, score, lower: value === null ? null : 8, upper: value === null ? null : 12, flag, detector: 'robust' };
}

type Series = Array<Record<string, unknown> & { id: string; data: unknown[] }>;
const seriesOf = (option: { series?: unknown }) => option.series as Series;
const byId = (option: { series?: unknown }, id: string) => seriesOf(option).find((s) => s.id === id);

describe('crossings', () => {
  const points: SeriesPoint[] = [
    [1, 5],
    [2, 12],
    [3, 15],
    [4, 9],
    [5, 11],
    [6, null],
    [7, 13],
  ];

  it('counts each time the value crosses into a threshold condition, gaps ending a crossing', () => {
    expect(thresholdCrossings(points, '>', 10)).toEqual([
      [2, 12],
      [5, 11],
      [7, 13],
    ]);
    expect(thresholdCrossings(points, '<=', 5)).toEqual([[1, 5]]);
    expect(thresholdCrossings(points, '>', 100)).toEqual([]);
  });

  it('counts a status rule as going past the target in force, direction-aware and within a band', () => {
    const targets: SeriesResponse['targets'] = points.map(([ts]) => [ts, 10, null, null]);
    expect(offTargetCrossings(points, targets, 'lower_is_better').map(([ts]) => ts)).toEqual([2, 5, 7]);
    expect(offTargetCrossings(points, targets, 'higher_is_better').map(([ts]) => ts)).toEqual([1, 4]);
    const band: SeriesResponse['targets'] = points.map(([ts]) => [ts, null, 6, 14]);
    expect(offTargetCrossings(points, band, 'within_range').map(([ts]) => ts)).toEqual([1, 3]);
  });
});

describe('anomalyFirings', () => {
  it('fires when n of the last m points are flagged, once per run', () => {
    const flags = [0, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1].map((f, i) => dp(i, 10, f === 1));
    expect(anomalyFirings(flags, 2, 3).map(([ts]) => ts)).toEqual([2]);
    expect(anomalyFirings(flags, 3, 3).map(([ts]) => ts)).toEqual([6]);
    expect(anomalyFirings(flags, 1, 1).map(([ts]) => ts)).toEqual([1, 4, 11]);
  });

  it('counts a flagged point only when it reaches the rule score', () => {
    const points = [dp(1, 10, true, 0.6), dp(2, 10, true, 0.95), dp(3, 10, false, 0.99)];
    expect(anomalyFirings(points, 1, 1, 0.9).map(([ts]) => ts)).toEqual([2]);
  });

  it('counts every point of an episode the server holds, as the live rules do: one flag, one alert', () => {
    // one flagged point, then the episode's peak held for four more points, then normal again
    const held = [null, 0.7, 0.7, 0.7, 0.7, 0.7, null, null];
    const points = held.map((h, i) => ({ ...dp(i, 10, i === 1, h ?? 0), held: h }));
    expect(anomalyFirings(points, 3, 5).map(([ts]) => ts)).toEqual([3]);
    expect(anomalyFirings(points, 3, 5, 0.8)).toEqual([]);
  });
});

describe('preview option builders', () => {
  it('draws the series, the expected band and the flagged points of a backtest', () => {
    const points = [dp(1_000, 10), dp(2_000, null), dp(3_000, 30, true), { ...dp(4_000, 11), lower: null, upper: null }];
    const option = buildAnomalyPreviewOption({ from: 0, to: 5_000, points, unit: 'ms', colors, now: 5_000 });
    expect(seriesOf(option).map((s) => s.id)).toEqual(Object.values(PREVIEW_SERIES));
    expect(byId(option, PREVIEW_SERIES.value)?.data).toEqual([
      [1_000, 10],
      [2_000, null],
      [3_000, 30],
      [4_000, 11],
    ]);
    expect(byId(option, PREVIEW_SERIES.bandLow)?.data).toEqual([
      [1_000, 8],
      [2_000, null],
      [3_000, 8],
      [4_000, null],
    ]);
    expect(byId(option, PREVIEW_SERIES.bandWidth)?.data).toEqual([
      [1_000, 4],
      [2_000, null],
      [3_000, 4],
      [4_000, null],
    ]);
    expect(byId(option, PREVIEW_SERIES.hits)?.data).toEqual([[3_000, 30]]);
    expect(option.xAxis).toMatchObject({ type: 'time', min: 0, max: 5_000 });
  });

  it('draws a threshold rule with its line and the crossings, counting them', () => {
    const series: SeriesResponse = {
      kpi: 'errors',
      from: 0,
      to: 7 * DAY,
      stepMs: DAY,
      points: [
        [DAY, 5],
        [2 * DAY, 12],
        [3 * DAY, 9],
        [4 * DAY, 20],
      ],
      targets: [],
    };
    const data: PreviewData = { kind: 'series', kpi: 'errors', from: 0, to: 7 * DAY, series, loadedAt: 7 * DAY };
    const v = { ...ruleToForm(), conditionType: 'threshold' as const, op: '>' as const, value: '10' };
    const preview = buildPreview(data, v, { unit: 'errors', direction: 'lower_is_better' }, colors);
    expect(preview?.firings).toBe(2);
    expect(preview?.summary).toMatch(/last 7 days.*crossed > 10 2 times/);
    expect(byId(preview!.option, PREVIEW_SERIES.line)?.data).toEqual([
      [0, 10],
      [7 * DAY, 10],
    ]);
    expect(byId(preview!.option, PREVIEW_SERIES.hits)?.data).toEqual([
      [2 * DAY, 12],
      [4 * DAY, 20],
    ]);
    expect(buildPreview(data, { ...v, value: '' }, { unit: '', direction: 'lower_is_better' }, colors)).toBeNull();
    // the wrong data for the condition (a backtest is still showing) draws nothing
    expect(buildPreview(data, { ...v, conditionType: 'anomaly' }, { unit: '', direction: 'lower_is_better' }, colors)).toBeNull();
  });

  it('summarises an anomaly rule on a backtest with the detectors count and the rule count', () => {
    const points = [dp(0, 10), dp(1, 30, true), dp(2, 31, true), dp(3, 10)];
    const data: PreviewData = { kind: 'backtest', kpi: 'k', from: 0, to: DAY, points, flagged: 2, loadedAt: DAY };
    const preview = buildPreview(
      data,
      { ...ruleToForm(), conditionType: 'anomaly', n: '2', m: '3' },
      { unit: '', direction: 'higher_is_better' },
      colors,
    );
    expect(preview?.firings).toBe(1);
    expect(preview?.summary).toBe('Over the last 1 day the detectors flagged 2 points; with 2 of 3 this rule would have fired 1 time.');
  });

  it('previews anomaly rules on a backtest, threshold and status rules on the history, the rest not at all', () => {
    expect(previewSource('anomaly')).toBe('backtest');
    expect(previewSource('threshold')).toBe('series');
    expect(previewSource('status')).toBe('series');
    expect(previewSource('no_data')).toBeNull();
    expect(previewSource('pacing')).toBeNull();
  });
});

describe('precisionView', () => {
  it('shows precision as a percentage, worst first, tentative with few verdicts', () => {
    const rows = precisionView(
      [
        { detector: 'threshold', kpi: 'errors', real: 9, notReal: 1, precision: 0.9 },
        { detector: 'robust', kpi: 'orders', real: 1, notReal: 1, precision: 0.5 },
      ],
      new Map([['orders', 'Orders']]),
    );
    expect(rows.map((r) => [r.detector, r.kpiName, r.text, r.few])).toEqual([
      ['robust', 'Orders', '50 %', true],
      ['threshold', 'errors', '90 %', false],
    ]);
    expect(FEW_VERDICTS).toBeGreaterThan(2);
  });
});
