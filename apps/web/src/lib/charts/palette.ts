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
    /** Comparisons: dashed, in hues apart from the value's blue (Okabe–Ito grey and bluish green). */
    previous: light ? '#5f6670' : '#b8bfca',
    lastYear: light ? '#007a5a' : '#2fbf8f',
    /** The detector's expected band, distinct from the target band's grey. */
    anomalyBand: light ? 'rgba(0, 122, 90, 0.12)' : 'rgba(47, 191, 143, 0.14)',
    flag: status.off_track,
    alert: status.off_track,
  };
}

/** The breakdown bars: one hue per rank (Okabe–Ito), "other" in the no-data grey. */
export function breakdownColors(light: boolean) {
  const scheme = light ? 'light' : 'dark';
  const groups = light
    ? ['#0072b2', '#8f5300', '#007a5a', '#9e4f7d', '#b53f00', '#56708a', '#6b6b00']
    : ['#56b4e9', '#e69f00', '#2fbf8f', '#cc79a7', '#f0743e', '#a0b4c8', '#e5d94a'];
  return {
    groups,
    other: STATUS_COLORS[scheme].no_data,
    axis: light ? '#4b5563' : '#a3abb8',
    grid: light ? '#d5d9e0' : '#2a3140',
    label: light ? '#14171c' : '#e8ebf0',
  };
}

export type BreakdownColors = ReturnType<typeof breakdownColors>;

export type HistoryColors = ReturnType<typeof historyColors>;

/** The rule preview: the history chart's colours, with flagged points and the threshold in the off-track hue. */
export function previewColors(light: boolean) {
  const scheme = light ? 'light' : 'dark';
  return { ...historyColors(light), flag: STATUS_COLORS[scheme].off_track, threshold: STATUS_COLORS[scheme].off_track };
}

export type PreviewColors = ReturnType<typeof previewColors>;
