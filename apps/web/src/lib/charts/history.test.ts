import type { Annotation, Checkin, SeriesPoint, TargetPoint } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { historyColors } from './palette.ts';
import {
  HISTORY_SERIES,
  annotationLabel,
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
    expect(empty).toEqual(['value', 'target', 'band-low', 'band-width', 'checkins']);
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
