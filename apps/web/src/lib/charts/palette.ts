import type { KpiStatusName } from '@northstar/shared';

/*
 * Canvas charts cannot read CSS custom properties, so the status colours from app.css are
 * repeated here. Okabe–Ito hues (blue / orange / vermillion / grey) stay distinct with
 * deuteranopia; the light variants are darkened to keep 4.5:1 on a white desk background.
 */
const STATUS_COLORS: Readonly<Record<'dark' | 'light', Record<KpiStatusName, string>>> = {
  dark: { on_track: '#56b4e9', at_risk: '#e69f00', off_track: '#f0743e', no_data: '#9aa3af', no_target: '#9aa3af' },
  light: { on_track: '#0072b2', at_risk: '#8f5300', off_track: '#b53f00', no_data: '#5f6670', no_target: '#5f6670' },
};

const TARGET_COLORS = { dark: 'rgba(232, 235, 240, 0.55)', light: 'rgba(20, 23, 28, 0.5)' } as const;

function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Sparkline colours for a tile: its status hue, grey once the data is stale. */
export function sparklineColors(status: KpiStatusName, stale: boolean, light: boolean) {
  const scheme = light ? 'light' : 'dark';
  const line = STATUS_COLORS[scheme][stale ? 'no_data' : status];
  return { line, area: withAlpha(line, 0.12), target: TARGET_COLORS[scheme] };
}

/** The KPI history chart's colours; check-in confidence reuses the status hues (high = on track). */
export function historyColors(light: boolean) {
  const scheme = light ? 'light' : 'dark';
  const status = STATUS_COLORS[scheme];
  return {
    line: status.on_track,
    area: withAlpha(status.on_track, 0.1),
    target: TARGET_COLORS[scheme],
    band: light ? 'rgba(20, 23, 28, 0.07)' : 'rgba(232, 235, 240, 0.08)',
    annotation: light ? '#9e4f7d' : '#cc79a7',
    axis: light ? '#4b5563' : '#a3abb8',
    grid: light ? '#d5d9e0' : '#2a3140',
    confidence: { low: status.off_track, medium: status.at_risk, high: status.on_track },
  };
}

export type HistoryColors = ReturnType<typeof historyColors>;

/** The rule preview: the history chart's colours, with flagged points and the threshold in the off-track hue. */
export function previewColors(light: boolean) {
  const scheme = light ? 'light' : 'dark';
  return { ...historyColors(light), flag: STATUS_COLORS[scheme].off_track, threshold: STATUS_COLORS[scheme].off_track };
}

export type PreviewColors = ReturnType<typeof previewColors>;
