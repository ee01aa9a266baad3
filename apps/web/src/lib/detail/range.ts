import { startOfPeriod } from '../time/zone.ts';

/**
 * The time ranges the KPI detail page offers. Rolling ones end now; quarter- and year-to-date
 * start at local midnight in the KPI's time zone. A custom range (typed, or zoomed and brushed
 * on the chart) is a from/to pair instead.
 */
export const RANGE_PRESETS = ['1h', '24h', '7d', '30d', 'qtd', 'ytd'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const DEFAULT_RANGE: RangePreset = '24h';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The presets that roll: a fixed length ending now. */
export type RollingPreset = Exclude<RangePreset, 'qtd' | 'ytd'>;

/** The rolling presets' lengths; the to-date ones depend on the calendar. */
export const RANGE_MS: Readonly<Record<RollingPreset, number>> = {
  '1h': HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
};

export const RANGE_LABELS: Readonly<Record<RangePreset, string>> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  qtd: 'Quarter to date',
  ytd: 'Year to date',
};

/** The short text on a preset's button. */
export const RANGE_SHORT: Readonly<Record<RangePreset, string>> = {
  '1h': '1h',
  '24h': '24h',
  '7d': '7d',
  '30d': '30d',
  qtd: 'QTD',
  ytd: 'YTD',
};

export function isRangePreset(value: string | null | undefined): value is RangePreset {
  return value !== null && value !== undefined && (RANGE_PRESETS as readonly string[]).includes(value);
}

/** Epoch ms where a preset starts, ending at `nowMs`; to-date presets in `zone` (the KPI's). */
export function rangeStart(preset: RangePreset, nowMs: number, zone = 'UTC'): number {
  if (preset === 'qtd') return startOfPeriod(nowMs, zone, 'quarter');
  if (preset === 'ytd') return startOfPeriod(nowMs, zone, 'year');
  return nowMs - RANGE_MS[preset];
}

/** A range the page shows: a preset (ending now) or fixed instants. */
export type RangeSpec = { kind: 'preset'; preset: RangePreset } | { kind: 'custom'; from: number; to: number };

/** The shortest custom range: a zoom narrower than this says nothing the server can draw. */
export const MIN_CUSTOM_MS = 60_000;

export interface ResolvedRange {
  from: number;
  to: number;
  /** False for presets: they end at the server's now, so requests leave `to` out. */
  fixedEnd: boolean;
}

/** The instants a range covers at `nowMs`. */
export function resolveRange(spec: RangeSpec, nowMs: number, zone = 'UTC'): ResolvedRange {
  if (spec.kind === 'custom') return { from: spec.from, to: spec.to, fixedEnd: true };
  return { from: rangeStart(spec.preset, nowMs, zone), to: nowMs, fixedEnd: false };
}

/** The `data-range` of the chart and the current button: a preset's name, or "custom". */
export function rangeName(spec: RangeSpec): RangePreset | 'custom' {
  return spec.kind === 'preset' ? spec.preset : 'custom';
}
