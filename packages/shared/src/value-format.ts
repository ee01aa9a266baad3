/**
 * How a figure reads wherever a person sees it (the wall, digests): values with units,
 * attainment percentages. One owner, so the wall and an email never disagree on "1.2 s".
 */

const PLACEHOLDER = '—';

const SCALES: ReadonlyArray<{ factor: number; suffix: string }> = [
  { factor: 1e12, suffix: 'T' },
  { factor: 1e9, suffix: 'B' },
  { factor: 1e6, suffix: 'M' },
  { factor: 1e3, suffix: 'k' },
];

const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = {
  eur: '€',
  '€': '€',
  usd: '$',
  $: '$',
  gbp: '£',
  '£': '£',
  jpy: '¥',
  '¥': '¥',
};

/** Strips a trailing ".0"/".00" so "120.0k" reads "120k" but "12.5" stays. */
function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A number with magnitude-aware precision: 3 significant figures is plenty on a wall. */
export function formatPlain(n: number): string {
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = trimZeros(abs.toFixed(digits));
  return (n < 0 && text !== '0' ? '-' : '') + text;
}

/** 12 400 → "12.4k", 3 100 000 → "3.1M", 340 → "340". */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  for (const { factor, suffix } of SCALES) {
    // Round first so 999 950 becomes "1M", not "1000k".
    if (Number(abs.toPrecision(3)) >= factor) {
      return (n < 0 ? '-' : '') + formatPlain(abs / factor) + suffix;
    }
  }
  return formatPlain(n);
}

function formatDurationMs(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${formatPlain(ms)} ms`;
  if (abs < 60_000) return `${formatPlain(ms / 1000)} s`;
  if (abs < 3_600_000) return `${formatPlain(ms / 60_000)} min`;
  // Not on to days: "19.9 h" against "1 d" reads worse than against "24 h".
  return `${formatPlain(ms / 3_600_000)} h`;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  seconds: 1000,
  min: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hours: 3_600_000,
};

/**
 * Formats a KPI value with its unit: "12.4k", "98.7 %", "1.2 s", "340 ms", "€3.1M", "$120".
 * Unknown units are appended after a space ("42 orders"); null or non-finite values read "—".
 */
export function formatValue(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return PLACEHOLDER;
  const key = unit.trim().toLowerCase();
  if (key === '') return formatCompact(value);
  if (key === '%' || key === 'percent' || key === 'pct') return `${formatPlain(value)} %`;
  if (key === 'd' || key === 'days') return `${formatPlain(value)} d`;
  const durationFactor = DURATION_UNITS_MS[key];
  if (durationFactor !== undefined) return formatDurationMs(value * durationFactor);
  const symbol = CURRENCY_SYMBOLS[key];
  if (symbol !== undefined) {
    return (value < 0 ? '-' : '') + symbol + formatCompact(Math.abs(value));
  }
  return `${formatCompact(value)} ${unit.trim()}`;
}

/**
 * A band with its unit once: "95–99 %", "200–400 ms", "€1k–€2k". A unit written after a
 * space is shared, so it is dropped from the low end.
 */
export function formatRange(low: number, high: number, unit: string): string {
  const a = formatValue(low, unit);
  const b = formatValue(high, unit);
  const suffix = / \S+$/.exec(b)?.[0];
  return `${suffix !== undefined && a.endsWith(suffix) ? a.slice(0, -suffix.length) : a}–${b}`;
}

/** Attainment percentages: whole numbers, "87 %". */
export function formatPercent(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return PLACEHOLDER;
  return `${Math.round(value)} %`;
}
