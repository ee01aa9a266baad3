import { DateTime } from 'luxon';

/** Text for figures and times in a digest: the wall's conventions (3 significant figures, k/M, "87 %"). */

const SCALES = [
  { factor: 1e12, suffix: 'T' },
  { factor: 1e9, suffix: 'B' },
  { factor: 1e6, suffix: 'M' },
  { factor: 1e3, suffix: 'k' },
] as const;
const CURRENCY: Readonly<Record<string, string>> = { eur: '€', '€': '€', usd: '$', $: '$', gbp: '£', '£': '£' };

function plain(n: number): string {
  const abs = Math.abs(n);
  const text = abs.toFixed(abs >= 100 ? 0 : abs >= 10 ? 1 : 2);
  const trimmed = text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return (n < 0 && trimmed !== '0' ? '-' : '') + trimmed;
}

function compact(n: number): string {
  const abs = Math.abs(n);
  for (const { factor, suffix } of SCALES)
    if (Number(abs.toPrecision(3)) >= factor) return (n < 0 ? '-' : '') + plain(abs / factor) + suffix;
  return plain(n);
}

export function figure(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const key = unit.trim().toLowerCase();
  if (key === '') return compact(value);
  if (key === '%' || key === 'percent') return `${plain(value)} %`;
  const symbol = CURRENCY[key];
  if (symbol) return (value < 0 ? '-' : '') + symbol + compact(Math.abs(value));
  return `${compact(value)} ${unit.trim()}`;
}

/** Attainment: whole percent, as on the wall. */
export function percent(value: number | null): string {
  return value === null || !Number.isFinite(value) ? '—' : `${Math.round(value)} %`;
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
