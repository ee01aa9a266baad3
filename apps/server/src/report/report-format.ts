import type { KpiStatusName } from '@northstar/shared';

/** Status in words (never colour alone), as the wall says it. */
export const STATUS_WORDS: Readonly<Record<KpiStatusName, string>> = {
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
  no_data: 'No data',
  no_target: 'No target',
};

const NUMBER = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** A figure with its unit, "—" for none: the report prints exact figures (the wall abbreviates, 12.4k). */
export function figure(value: number | null, unit: string): string {
  if (value === null) return '—';
  return unit === '' ? NUMBER.format(value) : `${NUMBER.format(value)} ${unit}`;
}

export function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value)} %`;
}

/** "2026-11" → "November 2026". */
export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
