import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { SeriesPoint } from '@northstar/shared';

/**
 * A KPI's small chart, drawn on the server with ECharts' server-side renderer (SVG, no DOM),
 * and rasterised with resvg where a channel needs an image (mail clients do not show SVG).
 * Colours are the desk palette's: the series in ink, the target dashed in the status colour.
 */

export const CHART_WIDTH = 280;
export const CHART_HEIGHT = 72;
/** PNGs are drawn at twice the size so they are sharp on high-density screens. */
const PNG_ZOOM = 2;

const STATUS_COLOURS: Readonly<Record<string, string>> = {
  on_track: '#1b7f3b',
  at_risk: '#b35900',
  off_track: '#b3261e',
  no_data: '#6b6b6b',
};

export function statusColour(status: string): string {
  return STATUS_COLOURS[status] ?? '#6b6b6b';
}

export interface ChartInput {
  series: readonly SeriesPoint[];
  target: number | null;
  status: string;
}

export function chartSvg(input: ChartInput, width = CHART_WIDTH, height = CHART_HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    const values = input.series.flatMap((p) => (p[1] === null ? [] : [p[1]]));
    const all = input.target === null ? values : [...values, input.target];
    const min = all.length > 0 ? Math.min(...all) : 0;
    const max = all.length > 0 ? Math.max(...all) : 1;
    const pad = (max - min) * 0.1 || Math.abs(max) * 0.1 || 1;
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      grid: { left: 4, right: 4, top: 6, bottom: 6 },
      xAxis: { type: 'time', show: false },
      yAxis: { type: 'value', show: false, min: min - pad, max: max + pad },
      series: [
        {
          type: 'line',
          data: input.series.map((p) => [p[0], p[1]]),
          showSymbol: false,
          connectNulls: false,
          lineStyle: { color: '#1f2937', width: 2 },
          areaStyle: { color: 'rgba(31,41,55,0.08)' },
          markLine:
            input.target === null
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  label: { show: false },
                  lineStyle: { color: statusColour(input.status), type: 'dashed', width: 1.5 },
                  data: [{ yAxis: input.target }],
                },
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function svgToPng(svg: string): Buffer {
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: PNG_ZOOM }, font: { loadSystemFonts: false } }).render().asPng();
}

export function chartPng(input: ChartInput): Buffer {
  return svgToPng(chartSvg(input));
}
