import type { Annotation, Checkin, DetectionPoint, SeriesPoint, TargetPoint } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { historyColors } from './palette.ts';
import { PROJECTION_LEGEND, PROJECTION_SERIES } from './projection.ts';
import {
  HISTORY_SERIES,
  HISTORY_ZOOM,
  alertRule,
  annotationLabel,
  anomalyLayers,
  bandCeiling,
  firingAlerts,
  hasValues,
  zoomWindow,
  buildHistoryOption,
  escapeHtml,
  historyTooltip,
  markerY,
  targetLines,
  type HistoryInput,
} from './history.ts';

const colors = historyColors(false);
const points: SeriesPoint[] = [
  [1_000, 5],
  [2_000, null],
  [3_000, 9],
];
const annotation = (id: string, ts: number, text: string, kind: Annotation['kind'] = 'deploy'): Annotation => ({
  id,
  kpi: 'orders',
  ts,
  kind,
  text,
  author: 'ana',
});
const checkin = (id: string, at: number, confidence: Checkin['confidence'], narrative: string): Checkin => ({
  id,
  subject: { kind: 'kpi', id: 'orders' },
  confidence,
  narrative,
  author: 'bo',
  at,
});

function build(over: Partial<HistoryInput> = {}) {
  const option = buildHistoryOption({
    from: 0,
    to: 4_000,
    points,
    targets: [],
    annotations: [],
    checkins: [],
    unit: 'orders',
    colors,
    now: 4_000,
    ...over,
  });
  const all = (Array.isArray(option.series) ? option.series : [option.series]) as Array<Record<string, unknown>>;
  const byId = (id: string) => all.find((s) => s.id === id) as Record<string, unknown> & { data: unknown[] };
  return { option, all, byId };
}

describe('buildHistoryOption: series', () => {
  it('draws the values on a time axis spanning the range, with gaps for missing values', () => {
    const { option, byId } = build();
    const value = byId(HISTORY_SERIES.value);
    expect(value.type).toBe('line');
    expect(value.data).toEqual([
      [1_000, 5],
      [2_000, null],
      [3_000, 9],
    ]);
    expect(value.data).not.toBe(points);
    expect(value.connectNulls).toBe(false);
    expect(option.xAxis).toMatchObject({ type: 'time', min: 0, max: 4_000 });
  });

  it('always has the same series in the same order, so merged updates replace their data', () => {
    const empty = build({ points: [] }).all.map((s) => s.id);
    const full = build({
      targets: [[1_000, 1, 0, 2]],
      annotations: [annotation('a', 1_500, 'x')],
      checkins: [checkin('c', 2_500, 'low', 'y')],
    }).all.map((s) => s.id);
    expect(empty).toEqual([
      'value',
      'target',
      'band-low',
      'band-width',
      'checkins',
      'previous',
      'last-year',
      'anomaly-low',
      'anomaly-width',
      'anomalies',
      'alerts',
      'projection-low',
      'projection-width',
      'projection',
    ]);
    expect(full).toEqual(empty);
  });

  it('formats the y axis with the KPI unit', () => {
    const { option } = build({ unit: 'ms' });
    const formatter = (option.yAxis as { axisLabel: { formatter: (v: number) => string } }).axisLabel.formatter;
    expect(formatter(250)).toBe('250 ms');
  });
});

describe('buildHistoryOption: target in force', () => {
  const targets: TargetPoint[] = [
    [1_000, 100, null, null],
    [2_000, 100, null, null],
    [3_000, 120, null, null],
  ];

  it('draws a single target as a dashed stepped line that changes where a new version took force', () => {
    const { byId } = build({ targets });
    const target = byId(HISTORY_SERIES.target);
    expect(target.step).toBe('end');
    expect(target.lineStyle).toMatchObject({ type: 'dashed', color: colors.target });
    expect(target.data).toEqual([
      [1_000, 100],
      [2_000, 100],
      [3_000, 120],
    ]);
    expect(byId(HISTORY_SERIES.bandLow).data).toEqual([
      [1_000, null],
      [2_000, null],
      [3_000, null],
    ]);
  });

  it('leaves gaps where no target was in force', () => {
    expect(targetLines([[1, null, null, null]]).line).toEqual([[1, null]]);
  });

  it('draws a within_range band as a stacked area from low to high', () => {
    const band: TargetPoint[] = [
      [1_000, null, 95, 99],
      [2_000, 97, 96, 98],
    ];
    const { byId } = build({ targets: band });
    const low = byId(HISTORY_SERIES.bandLow);
    const width = byId(HISTORY_SERIES.bandWidth);
    expect(low.data).toEqual([
      [1_000, 95],
      [2_000, 96],
    ]);
    expect(width.data).toEqual([
      [1_000, 4],
      [2_000, 2],
    ]);
    expect(low.stack).toBe('target-band');
    expect(width.stack).toBe('target-band');
    expect(low.step).toBe('end');
    expect(width.areaStyle).toMatchObject({ color: colors.band });
    expect(low.areaStyle).toBeUndefined();
    // a band replaces the single line at those points
    expect(byId(HISTORY_SERIES.target).data).toEqual([
      [1_000, null],
      [2_000, null],
    ]);
  });
});

describe('buildHistoryOption: annotations', () => {
  it('draws each annotation as a vertical line at its time, labelled with its kind and text', () => {
    const long = 'Rolled out the new checkout flow to every region at once';
    const { byId } = build({ annotations: [annotation('a1', 1_500, 'v2 deploy'), annotation('a2', 3_500, long, 'campaign')] });
    const markLine = byId(HISTORY_SERIES.value).markLine as { data: unknown[]; label: { show: boolean; formatter: string } };
    expect(markLine.data).toEqual([
      { xAxis: 1_500, name: 'deploy: v2 deploy' },
      { xAxis: 3_500, name: annotationLabel({ kind: 'campaign', text: long }) },
    ]);
    expect(markLine.label).toMatchObject({ show: true, formatter: '{b}' });
    expect(annotationLabel({ kind: 'campaign', text: long })).toMatch(/^campaign: Rolled out the new.*…$/);
    expect(annotationLabel({ kind: 'campaign', text: long }).length).toBeLessThan(long.length);
  });

  it('has no lines without annotations', () => {
    const markLine = build().byId(HISTORY_SERIES.value).markLine as { data: unknown[] };
    expect(markLine.data).toEqual([]);
  });
});

describe('buildHistoryOption: check-ins', () => {
  it('places a marker per check-in on the nearest value, coloured and shaped by confidence', () => {
    const { byId } = build({
      checkins: [checkin('c1', 1_200, 'high', 'all good'), checkin('c2', 2_900, 'low', 'worried'), checkin('c3', 2_000, 'medium', 'hm')],
    });
    const markers = byId(HISTORY_SERIES.checkins);
    expect(markers.type).toBe('scatter');
    expect(markers.data).toEqual([
      { value: [1_200, 5], symbol: 'circle', itemStyle: expect.objectContaining({ color: colors.confidence.high }) },
      { value: [2_900, 9], symbol: 'rect', itemStyle: expect.objectContaining({ color: colors.confidence.low }) },
      // 2 000 has no value; 1 000 and 3 000 are as near, the first found wins
      { value: [2_000, 5], symbol: 'triangle', itemStyle: expect.objectContaining({ color: colors.confidence.medium }) },
    ]);
    expect(colors.confidence.low).not.toBe(colors.confidence.high);
  });

  it('falls back to the target (or a band middle), then 0, when there are no values', () => {
    expect(markerY([], [[1, 50, null, null]], 5)).toBe(50);
    expect(markerY([[1, null]], [[1, null, 90, 100]], 5)).toBe(95);
    expect(markerY([], [], 5)).toBe(0);
  });
});

describe('history tooltip', () => {
  const input = {
    annotations: [annotation('a1', 1_500, 'Deploy <b>v2</b> & "more"')],
    checkins: [checkin('c1', 2_500, 'medium', '<img src=x onerror=alert(1)> shipping slipped')],
    unit: 'orders',
    now: 4_000,
  };
  const tooltip = historyTooltip(input);

  it('shows a check-in with its confidence and narrative, escaped', () => {
    const html = tooltip({ seriesId: HISTORY_SERIES.checkins, dataIndex: 0 });
    expect(html).toContain('medium confidence');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; shipping slipped');
    expect(html).not.toContain('<img');
    expect(html).toContain('bo');
  });

  it('shows an annotation with its kind and text, escaped', () => {
    const html = tooltip({ componentType: 'markLine', seriesId: HISTORY_SERIES.value, dataIndex: 0 });
    expect(html).toContain('deploy');
    expect(html).toContain('Deploy &lt;b&gt;v2&lt;/b&gt; &amp; &quot;more&quot;');
    expect(html).not.toContain('<b>');
  });

  it('shows a value with its unit, and nothing for what it does not know', () => {
    expect(tooltip({ seriesId: HISTORY_SERIES.value, dataIndex: 0, value: [1_000, 1_234] })).toContain('1.23k orders');
    expect(tooltip({ seriesId: HISTORY_SERIES.checkins, dataIndex: 7 })).toBe('');
    expect(tooltip(undefined)).toBe('');
  });

  it('is the option tooltip formatter', () => {
    const { option } = build(input);
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    expect(formatter({ seriesId: HISTORY_SERIES.checkins, dataIndex: 0 })).toContain('shipping slipped');
  });

  it('escapes every HTML-significant character', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

const detection = (ts: number, value: number | null, lower: number | null, upper: number | null, flag = false): DetectionPoint => ({
  ts,
  value,
  score: flag ? 0.99 : 0.1,
  lower,
  upper,
  flag,
  detector: lower === null ? null : 'robust',
});

describe('buildHistoryOption: comparisons', () => {
  it('draws the previous period and last year as dashed lines on the same timestamps', () => {
    const { byId, option } = build({
      comparison: {
        previous: [
          [1_000, 4],
          [3_000, null],
        ],
        lastYear: [[1_000, 2]],
      },
    });
    expect(byId(HISTORY_SERIES.previous).data).toEqual([
      [1_000, 4],
      [3_000, null],
    ]);
    expect(byId(HISTORY_SERIES.previous).lineStyle).toMatchObject({ type: 'dashed', color: colors.previous });
    expect(byId(HISTORY_SERIES.lastYear).data).toEqual([[1_000, 2]]);
    expect((byId(HISTORY_SERIES.lastYear).lineStyle as { type: unknown }).type).not.toBe('solid');
    expect((option.legend as { data: string[] }).data).toEqual(['Value', 'Previous period', 'Same period last year']);
  });

  it('leaves an empty comparison out of the legend', () => {
    const { byId, option } = build({ comparison: { previous: [[1_000, null]] } });
    expect(byId(HISTORY_SERIES.previous).data).toEqual([[1_000, null]]);
    expect((option.legend as { data: string[] }).data).toEqual(['Value']);
    expect(hasValues([[1, null]])).toBe(false);
    expect(hasValues(undefined)).toBe(false);
    expect(hasValues([[1, 0]])).toBe(true);
  });
});

describe('buildHistoryOption: anomalies and alerts', () => {
  const points5: DetectionPoint[] = [
    detection(1_000, 5, null, null),
    detection(2_000, 6, 4, 8),
    detection(3_000, 20, 4, 9, true),
    detection(3_500, null, 4, 9, true),
  ];

  it('draws the expected band as a stacked area and marks the flagged points', () => {
    const { byId } = build({ detection: points5 });
    const low = byId(HISTORY_SERIES.anomalyLow);
    const width = byId(HISTORY_SERIES.anomalyWidth);
    expect(low.stack).toBe('anomaly-band');
    expect(width.stack).toBe('anomaly-band');
    expect(low.data).toEqual([
      [1_000, null],
      [2_000, 4],
      [3_000, 4],
      [3_500, 4],
    ]);
    expect(width.data).toEqual([
      [1_000, null],
      [2_000, 4],
      [3_000, 5],
      [3_500, 5],
    ]);
    expect(width.areaStyle).toMatchObject({ color: colors.anomalyBand });
    // a flagged step without a value has nothing to mark
    expect(byId(HISTORY_SERIES.anomalies).data).toEqual([[3_000, 20]]);
  });

  it("draws the band no higher than half the chart's span above the series, so a learning detector cannot flatten it", () => {
    // the demo's API errors: ~0.1 /s against a target of 0.15 /s, a band still 35 /s wide
    const { byId } = build({
      points: [
        [1_000, 0.05],
        [2_000, 0.12],
      ],
      detection: [detection(1_000, 0.05, 0, 35), detection(2_000, 0.12, 0, 0.3)],
    });
    const low = byId(HISTORY_SERIES.anomalyLow).data as SeriesPoint[];
    const width = byId(HISTORY_SERIES.anomalyWidth).data as SeriesPoint[];
    const top = low.map(([, l], i) => (l ?? 0) + (width[i]?.[1] ?? 0));
    expect(Math.max(...top)).toBeLessThanOrEqual(bandCeiling([0.05, 0.12]));
    expect(top[1]).toBeCloseTo(bandCeiling([0.05, 0.12]));
    // a narrow band is drawn as it is
    expect(anomalyLayers([detection(1, 5, 4, 6)], 0, bandCeiling([5, 7])).width).toEqual([[1, 2]]);
  });

  it('leaves the band unbounded with nothing else to draw, and room above a flat series', () => {
    expect(bandCeiling([])).toBe(Number.POSITIVE_INFINITY);
    expect(bandCeiling([null, 4, 4])).toBe(5);
    expect(bandCeiling([0])).toBe(1);
    expect(bandCeiling([-4, -2])).toBe(-1);
  });

  it('keeps the band of a never-negative KPI above zero', () => {
    const layers = anomalyLayers([detection(1, 1, -3, 5)], 0);
    expect(layers.low).toEqual([[1, 0]]);
    expect(layers.width).toEqual([[1, 5]]);
    const { byId } = build({ detection: [detection(1_000, 5, -3, 5)] });
    expect(byId(HISTORY_SERIES.anomalyLow).data).toEqual([[1_000, 0]]);
    const negative = build({ points: [[1_000, -2]], detection: [detection(1_000, -2, -3, 5)] });
    expect(negative.byId(HISTORY_SERIES.anomalyLow).data).toEqual([[1_000, -3]]);
  });

  it('marks each alert that started firing with a line on the time axis', () => {
    const alerts = [
      { key: 'late|orders', to: 'alerting' as const, reason: 'value 3 < 10', at: 2_500, value: 3 },
      { key: 'late|orders', to: 'normal' as const, reason: 'recovered', at: 3_500, value: 12 },
      { key: 'spike', to: 'alerting' as const, reason: 'anomaly', at: 1_500, value: null },
    ];
    expect(firingAlerts(alerts).map((a) => a.at)).toEqual([1_500, 2_500]);
    const { byId } = build({ alerts });
    const markLine = byId(HISTORY_SERIES.alerts).markLine as { data: Array<{ xAxis: number; name: string }> };
    expect(markLine.data).toEqual([
      { xAxis: 1_500, name: 'Alert: spike' },
      { xAxis: 2_500, name: 'Alert: late' },
    ]);
    expect(alertRule('late|orders|eu')).toBe('late');
  });

  it("says an alert's reason and an anomaly's band in the tooltip, escaped", () => {
    const alerts = [{ key: 'r<1>|orders', to: 'alerting' as const, reason: 'went <b>down</b>', at: 2_500, value: 3 }];
    const tooltip = historyTooltip({ annotations: [], checkins: [], unit: 'orders', now: 4_000, alerts, detection: points5 });
    const alert = tooltip({ componentType: 'markLine', seriesId: HISTORY_SERIES.alerts, dataIndex: 0 });
    expect(alert).toContain('went &lt;b&gt;down&lt;/b&gt;');
    expect(alert).toContain('r&lt;1&gt;');
    expect(alert).toContain('3 orders');
    const anomaly = tooltip({ seriesId: HISTORY_SERIES.anomalies, dataIndex: 0 });
    expect(anomaly).toContain('20 orders');
    expect(anomaly).toMatch(/expected 4 orders – 9 orders/);
    expect(tooltip({ componentType: 'markLine', seriesId: HISTORY_SERIES.alerts, dataIndex: 5 })).toBe('');
    expect(tooltip({ seriesId: HISTORY_SERIES.previous, dataIndex: 0, value: [1_000, 7] })).toContain('Previous period');
  });
});

describe('buildHistoryOption: overlays and zoom', () => {
  it('empties hidden overlays but keeps their series', () => {
    const full = build({
      targets: [[1_000, 1, null, null]],
      annotations: [annotation('a', 1_500, 'x')],
      checkins: [checkin('c', 2_500, 'low', 'y')],
      detection: [detection(1_000, 5, 4, 8, true)],
      alerts: [{ key: 'r', to: 'alerting', reason: 'x', at: 2_000, value: 1 }],
      hide: ['target', 'anomalies', 'alerts', 'notes'],
      projection: { value: 20, low: 15, high: 26, endMs: 10_000, status: 'on_track', fromMs: 3_500, fromValue: 9 },
    });
    expect(full.all).toHaveLength(14);
    // the projection is drawn against the target: hidden with it
    expect(full.byId('projection').data).toEqual([]);
    expect(full.byId(HISTORY_SERIES.target).data).toEqual([]);
    expect(full.byId(HISTORY_SERIES.checkins).data).toEqual([]);
    expect((full.byId(HISTORY_SERIES.value).markLine as { data: unknown[] }).data).toEqual([]);
    expect(full.byId(HISTORY_SERIES.anomalyWidth).data).toEqual([]);
    expect(full.byId(HISTORY_SERIES.anomalies).data).toEqual([]);
    expect((full.byId(HISTORY_SERIES.alerts).markLine as { data: unknown[] }).data).toEqual([]);
    const shown = build({ targets: [[1_000, 1, null, null]], hide: ['notes'] });
    expect(shown.byId(HISTORY_SERIES.target).data).toEqual([[1_000, 1]]);
  });

  it('zooms inside the chart and with a brushable slider, reset to the whole range on every update', () => {
    const { option } = build();
    const zooms = option.dataZoom as Array<Record<string, unknown>>;
    expect(zooms.map((z) => [z.type, z.id])).toEqual([
      ['inside', HISTORY_ZOOM.inside],
      ['slider', HISTORY_ZOOM.slider],
    ]);
    for (const z of zooms) expect(z).toMatchObject({ start: 0, end: 100, filterMode: 'none', xAxisIndex: 0 });
    expect(zooms[1]?.brushSelect).toBe(true);
  });

  it('turns zoom percentages into the window of time', () => {
    expect(zoomWindow({ from: 1_000, to: 11_000 }, 25, 50)).toEqual({ from: 3_500, to: 6_000 });
    expect(zoomWindow({ from: 0, to: 100 }, -5, 120)).toEqual({ from: 0, to: 100 });
  });
});

describe('buildHistoryOption: projection', () => {
  const projection = { value: 20, low: 15, high: 26, endMs: 10_000, status: 'on_track' as const, fromMs: 3_500, fromValue: 9 };

  it('draws the server’s projection from now to the period’s end, with its band, and stretches the axis there', () => {
    const { option, byId } = build({ projection });
    expect(byId(PROJECTION_SERIES.line).data).toEqual([
      [3_500, 9],
      [10_000, 20],
    ]);
    // the band is stacked: its low edge, then the width on top, so it spans low..high
    expect(byId(PROJECTION_SERIES.low).data).toEqual([
      [3_500, 9],
      [10_000, 15],
    ]);
    expect(byId(PROJECTION_SERIES.width).data).toEqual([
      [3_500, 0],
      [10_000, 11],
    ]);
    expect(option.xAxis).toMatchObject({ max: 10_000 });
    expect((option.legend as { data: string[] }).data).toContain(PROJECTION_LEGEND);
  });

  it('draws none for a range that ends before now, and keeps the series (empty) without one', () => {
    // a custom range that ended an hour before the live value
    const past = build({ projection: { ...projection, fromMs: 3_000 + 3_600_000, endMs: 3_000 + 7_200_000 }, to: 3_000 });
    expect(past.byId(PROJECTION_SERIES.line).data).toEqual([]);
    expect(past.option.xAxis).toMatchObject({ max: 3_000 });
    expect((past.option.legend as { data: string[] }).data).not.toContain(PROJECTION_LEGEND);
    expect(build().byId(PROJECTION_SERIES.width).data).toEqual([]);
  });
});
