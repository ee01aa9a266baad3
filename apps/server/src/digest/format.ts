import { DateTime } from 'luxon';

import { formatPercent, formatValue } from '@northstar/shared';

/**
 * Text for figures and times in a digest. Values and attainment use the wall's own rules
 * (packages/shared value-format.ts), so an email never reads a number differently from the wall.
 */

export function figure(value: number | null, unit: string): string {
  return formatValue(value, unit);
}

/** Attainment: whole percent, as on the wall. */
export function percent(value: number | null): string {
  return formatPercent(value);
}

export function signedPercent(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const r = Math.round(value);
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r)} %`;
}

export function when(ms: number, timezone: string): string {
  return DateTime.fromMillis(ms, { zone: timezone }).toFormat('ccc d LLL HH:mm');
}

export function day(ms: number, timezone: string): string {
  return DateTime.fromMillis(ms, { zone: timezone }).toFormat('ccc d LLL yyyy');
}

export const STATUS_WORDS: Readonly<Record<string, string>> = {
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
  no_data: 'No data',
};

export function statusWord(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
