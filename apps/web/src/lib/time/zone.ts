import { wallClockFormat, wallOffsetAt, wallPartsAt, type WallParts } from '@northstar/shared';

/**
 * Wall-clock time in an IANA time zone, with the browser's Intl only (no date library in the
 * bundle): what "this quarter" and "this year" mean for a KPI, and the custom range inputs.
 */

const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    try {
      f = wallClockFormat(zone);
    } catch {
      // An unknown zone (the server validates them, so only a stale definition): UTC, not a crash.
      f = format('UTC');
    }
    formats.set(zone, f);
  }
  return f;
}

/** The date and time a clock in `zone` shows at `ms`. */
export function wallParts(ms: number, zone: string): WallParts {
  return wallPartsAt(format(zone), ms);
}

/** How far `zone` is ahead of UTC at `ms` (e.g. +3 600 000 for Berlin in winter). */
export function zoneOffsetMs(ms: number, zone: string): number {
  return wallOffsetAt(format(zone), ms);
}

/**
 * The instant a clock in `zone` shows the wall time `wallMs` (wall time written as if it were UTC).
 * In a DST gap the time after the gap; in an overlap the earlier of the two.
 */
export function wallToUtc(wallMs: number, zone: string): number {
  // Offsets change at most once within a day: the ones a day before and after bound every candidate.
  const before = wallMs - zoneOffsetMs(wallMs - DAY_MS, zone);
  const after = wallMs - zoneOffsetMs(wallMs + DAY_MS, zone);
  const valid = [before, after].filter((t) => t + zoneOffsetMs(t, zone) === wallMs);
  // None valid: a gap; the offset before it moves the time forward past the gap.
  return valid.length > 0 ? Math.min(...valid) : before;
}

/** Local midnight on the first day of the quarter (or year) holding `ms`, in `zone`. */
export function startOfPeriod(ms: number, zone: string, period: 'quarter' | 'year'): number {
  const p = wallParts(ms, zone);
  const month = period === 'year' ? 0 : Math.floor((p.month - 1) / 3) * 3;
  return wallToUtc(Date.UTC(p.year, month, 1), zone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The value of an `<input type="datetime-local">` showing `ms` as a clock in `zone` shows it. */
export function toWallInput(ms: number, zone: string): string {
  const p = wallParts(ms, zone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

const WALL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** The instant an `<input type="datetime-local">` value means in `zone`; null when it is not one. */
export function fromWallInput(value: string, zone: string): number | null {
  const m = WALL_INPUT.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => Number(s ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  // 31 February rolls over in Date.UTC; a date that does not exist is not silently another one.
  if (new Date(wall).getUTCDate() !== day) return null;
  return wallToUtc(wall, zone);
}
