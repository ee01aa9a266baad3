/** The time ranges the KPI detail page offers; a later brush/zoom narrows within them. */
export const RANGE_PRESETS = ['1h', '24h', '7d'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export const DEFAULT_RANGE: RangePreset = '24h';

export const RANGE_MS: Readonly<Record<RangePreset, number>> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
};

export const RANGE_LABELS: Readonly<Record<RangePreset, string>> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
};

export function isRangePreset(value: string | null | undefined): value is RangePreset {
  return value !== null && value !== undefined && (RANGE_PRESETS as readonly string[]).includes(value);
}

/** Epoch ms where a preset starts, ending at `nowMs`. */
export function rangeStart(preset: RangePreset, nowMs: number): number {
  return nowMs - RANGE_MS[preset];
}
