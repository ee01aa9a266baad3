/**
 * Calendar arithmetic for reviews and milestones, in UTC: a review cadence or a period
 * should not shift with the server's time zone, and the wall is shared across zones.
 */

/** `ms` moved by whole calendar months; a day the target month lacks clamps to its last day (31 Jan + 1 → 28/29 Feb). */
export function addUtcMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return Date.UTC(year, month, day, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** The calendar quarter holding `ms`, as a period id: "2026-Q4". */
export function utcQuarter(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}
