/** Pure text formatting for the wall: values with units, percentages, clock times, ages. */

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

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "10:42" for a time today, "24 Nov 10:42" for an earlier day (local time). */
export function formatClock(ts: number, nowMs: number): string {
  const at = new Date(ts);
  const now = new Date(nowMs);
  const hm = `${pad2(at.getHours())}:${pad2(at.getMinutes())}`;
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return sameDay ? hm : `${at.getDate()} ${MONTHS[at.getMonth()]} ${hm}`;
}

/** "just now", "4 s ago", "3 min ago", "2 h ago", "5 d ago". Future times (clock skew) read "just now". */
export function formatAgo(ageMs: number): string {
  if (ageMs < 1000) return 'just now';
  const s = Math.floor(ageMs / 1000);
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/**
 * Splits a formatted value into the figure and a trailing word unit ("672 orders" →
 * ["672", "orders"]), so a tile can show the figure large and the word small; symbols
 * such as "€", "%" and "ms" stay part of the figure.
 */
export function splitWordUnit(text: string, unit: string): [figure: string, unit: string] {
  const u = unit.trim();
  if (u.length < 3 || !/^[\p{L}][\p{L} /]*$/u.test(u) || !text.endsWith(` ${u}`)) return [text, ''];
  return [text.slice(0, -(u.length + 1)), u];
}
