/** Pure text formatting for the wall: clock times, ages, word units. Values with units are shared's rules. */

export { formatCompact, formatPercent, formatPlain, formatRange, formatValue } from '@northstar/shared';

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
