import type { Action } from 'svelte/action';
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the app draws (sparklines; the KPI history with annotation and alert lines, markers,
// comparisons, zoom and tooltips; the breakdown bars), so the bundle carries no unused chart types.
use([
  LineChart,
  ScatterChart,
  BarChart,
  GridComponent,
  MarkLineComponent,
  TooltipComponent,
  LegendComponent,
  DataZoomInsideComponent,
  DataZoomSliderComponent,
  CanvasRenderer,
]);

export interface EChartsParams {
  option: EChartsCoreOption;
  /** Called with the zoomed window (percent of the x axis span) whenever the user zooms or brushes. */
  onzoom?: (startPct: number, endPct: number) => void;
}

/** The first dataZoom's window as the chart holds it now. */
function zoomPercent(option: unknown): { start: number; end: number } | null {
  const zooms = (option as { dataZoom?: Array<{ start?: unknown; end?: unknown }> }).dataZoom;
  const first = zooms?.[0];
  if (!first || typeof first.start !== 'number' || typeof first.end !== 'number') return null;
  return { start: first.start, end: first.end };
}

/**
 * The one way the app draws a chart: `<div use:echarts={{ option }}>`. The instance lives as
 * long as the element; updates merge into it (no re-init), resizes follow the element.
 */
export const echarts: Action<HTMLElement, EChartsParams> = (node, params) => {
  const chart = init(node, null, { renderer: 'canvas' });
  chart.setOption(params.option);
  let onzoom = params.onzoom;
  // Only user zooms (wheel, drag, slider, brush) raise the event; setOption does not.
  chart.on('datazoom', () => {
    const zoom = zoomPercent(chart.getOption());
    if (zoom) onzoom?.(zoom.start, zoom.end);
  });

  let resizeFrame = 0;
  const observer = new ResizeObserver(() => {
    // Coalesce bursts of resize notifications (window drags, grid reflow) into one per frame.
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => chart.resize());
  });
  observer.observe(node);

  return {
    update(next: EChartsParams) {
      onzoom = next.onzoom;
      chart.setOption(next.option, { notMerge: false, lazyUpdate: true });
    },
    destroy() {
      cancelAnimationFrame(resizeFrame);
      observer.disconnect();
      chart.dispose();
    },
  };
};
