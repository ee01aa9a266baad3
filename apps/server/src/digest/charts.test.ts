import { describe, expect, it } from 'vitest';
import { chartPng, chartSvg, CHART_HEIGHT, CHART_WIDTH } from './charts.ts';

const series: Array<[number, number | null]> = [
  [0, 10],
  [1000, 14],
  [2000, null],
  [3000, 12],
];

describe('server-side charts', () => {
  it('draws the series and the target as SVG without a DOM', () => {
    const svg = chartSvg({ series, target: 20, status: 'at_risk' });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain(`width="${CHART_WIDTH}"`);
    // the target line is dashed in the status colour
    expect(svg).toContain('#b35900');
    expect(chartSvg({ series, target: null, status: 'at_risk' })).not.toContain('#b35900');
  });

  it('rasterises to a PNG at twice the size', () => {
    const png = chartPng({ series, target: 20, status: 'on_track' });
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    // IHDR: width and height, big-endian, at bytes 16 and 20
    expect(png.readUInt32BE(16)).toBe(CHART_WIDTH * 2);
    expect(png.readUInt32BE(20)).toBe(CHART_HEIGHT * 2);
  });

  it('draws an empty series without failing', () => {
    expect(chartPng({ series: [], target: null, status: 'no_data' }).length).toBeGreaterThan(100);
  });
});
