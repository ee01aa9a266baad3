import type { SeriesPoint } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { buildSparklineOption, sparklineRange } from './sparkline.ts';

const colors = { line: '#fff', area: 'rgba(255,255,255,0.1)', target: '#888' };

describe('sparklineRange', () => {
  it('includes the target even when the data is far from it', () => {
    const { min, max } = sparklineRange(
      [
        [1, 10],
        [2, 20],
      ],
      [100],
    );
    expect(min).toBeLessThan(10);
    expect(max).toBeGreaterThan(100);
  });

  it('ignores gaps and still has a span for a flat line', () => {
    const { min, max } = sparklineRange(
      [
        [1, null],
        [2, 50],
      ],
      [50],
    );
    expect(min).toBeLessThan(50);
    expect(max).toBeGreaterThan(50);
  });
});

describe('buildSparklineOption', () => {
  const points: SeriesPoint[] = [
    [1_000, 5],
    [2_000, null],
    [3_000, 7],
  ];
  const option = buildSparklineOption({ points, targets: [6], colors });
  const series = Array.isArray(option.series) ? option.series[0] : option.series;

  it('draws the points as a line with gaps for missing values', () => {
    expect(series?.type).toBe('line');
    expect(series?.data).toEqual([
      [1_000, 5],
      [2_000, null],
      [3_000, 7],
    ]);
    expect(series?.connectNulls).toBe(false);
  });

  it('marks the target with a dashed line', () => {
    expect(series?.markLine?.data).toEqual([{ yAxis: 6 }]);
    expect(series?.markLine?.lineStyle).toMatchObject({ type: 'dashed', color: '#888' });
  });

  it('hides axes and turns animation off', () => {
    expect(option.animation).toBe(false);
    expect(option.xAxis).toMatchObject({ type: 'time', show: false });
    expect(option.yAxis).toMatchObject({ show: false });
  });

  it('copies the points so later appends cannot change a drawn option', () => {
    expect(series?.data).not.toBe(points);
  });
});

describe('sparkline targets', () => {
  it('draws a band as two lines and nothing without a target', () => {
    const band = buildSparklineOption({ points: [[1, 97]], targets: [95, 99], colors });
    const bandSeries = Array.isArray(band.series) ? band.series[0] : band.series;
    expect(bandSeries?.markLine?.data).toEqual([{ yAxis: 95 }, { yAxis: 99 }]);
    const none = buildSparklineOption({ points: [[1, 5]], targets: [], colors });
    const noneSeries = Array.isArray(none.series) ? none.series[0] : none.series;
    expect(noneSeries?.markLine?.data).toEqual([]);
    expect(sparklineRange([], [])).toEqual({ min: 0, max: 1 });
  });
});
