import { formatPercent, formatRange, formatValue, type KpiStatusName } from '@northstar/shared';

/** Status in words (never colour alone), as the wall says it. */
export const STATUS_WORDS: Readonly<Record<KpiStatusName, string>> = {
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
  no_data: 'No data',
  no_target: 'No target',
};

/**
 * A figure with its unit, "—" for none, exactly as the wall and the digests print it
 * (packages/shared value-format.ts): a report that said "273,812.45 €" beside a wall saying
 * "€274k" read as two different numbers.
 */
export function figure(value: number | null, unit: string): string {
  return formatValue(value, unit);
}

/** A band with its unit once, as the wall prints it: "95–99 %", "€1k–€2k". */
export function band(low: number | null, high: number | null, unit: string): string {
  return low === null || high === null ? `${figure(low, unit)}–${figure(high, unit)}` : formatRange(low, high, unit);
}

export function percent(value: number | null): string {
  return formatPercent(value);
}

/** "2026-11" → "November 2026". */
export function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
