import { DateTime } from 'luxon';
import type { QuietHours } from '@northstar/shared';

/**
 * Quiet hours: a daily window of local wall-clock time, read in the KPI's IANA time
 * zone, in which non-critical notifications wait. Wall-clock, not UTC offsets, so
 * "22:00–07:00" means the same to a lead on the night the clocks change. The window
 * may cross midnight (start after end); start equal to end is an empty window.
 */

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

// the schema is shared with the app's notification routes (packages/shared)
export { QuietHoursSchema, type QuietHours } from '@northstar/shared';

function minutesOf(hhmm: string): number {
  const m = HHMM.exec(hhmm);
  if (!m) throw new Error(`not a time of day: "${hhmm}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function inQuietHours(q: QuietHours, timezone: string, nowMs: number): boolean {
  const start = minutesOf(q.start);
  const end = minutesOf(q.end);
  if (start === end) return false;
  const local = DateTime.fromMillis(nowMs, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * Epoch ms at which the quiet window containing `nowMs` ends (the next local `end`),
 * or null when `nowMs` is not in quiet hours. An end inside a DST gap moves forward
 * with the clocks (luxon's rule), so it is never skipped.
 */
export function quietHoursEnd(q: QuietHours, timezone: string, nowMs: number): number | null {
  if (!inQuietHours(q, timezone, nowMs)) return null;
  const end = minutesOf(q.end);
  const local = DateTime.fromMillis(nowMs, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const day = minute < end ? local : local.plus({ days: 1 });
  return day.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 }).toMillis();
}
