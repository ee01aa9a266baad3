import type { Action } from 'svelte/action';
import { init, use, type EChartsCoreOption } from 'echarts/core';
import { LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what the app draws (sparklines; the KPI history with annotation lines, check-in markers and
// tooltips), so the bundle carries no unused chart types.
use([LineChart, ScatterChart, GridComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export interface EChartsParams {
  option: EChartsCoreOption;
}

/**
 * The one way the app draws a chart: `<div use:echarts={{ option }}>`. The instance lives as
 * long as the element; updates merge into it (no re-init), resizes follow the element.
 */
export const echarts: Action<HTMLElement, EChartsParams> = (node, params) => {
  const chart = init(node, null, { renderer: 'canvas' });
  chart.setOption(params.option);

  let resizeFrame = 0;
  const observer = new ResizeObserver(() => {
    // Coalesce bursts of resize notifications (window drags, grid reflow) into one per frame.
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => chart.resize());
  });
  observer.observe(node);

  return {
    update(next: EChartsParams) {
      chart.setOption(next.option, { notMerge: false, lazyUpdate: true });
    },
    destroy() {
      cancelAnimationFrame(resizeFrame);
      observer.disconnect();
      chart.dispose();
    },
  };
};
