/**
 * Wall-clock time in an IANA time zone through Intl alone (the tz data Node and browsers ship),
 * so neither the server nor the browser bundle needs a date library for it.
 */

/** What a clock in a zone shows. */
export interface WallParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A formatter whose parts are a zone's wall clock, to the second. Throws a RangeError for an unknown zone. */
export function wallClockFormat(zone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** The date and time `format`'s zone shows at `ms`. */
export function wallPartsAt(format: Intl.DateTimeFormat, ms: number): WallParts {
  const out: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    // some engines print midnight as 24 even with h23
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** How far `format`'s zone is ahead of UTC at `ms`, in ms (+3 600 000 for Berlin in winter). */
export function wallOffsetAt(format: Intl.DateTimeFormat, ms: number): number {
  const p = wallPartsAt(format, ms);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  // the parts stop at the second: compare with the instant's second, not its milliseconds
  return wall - Math.floor(ms / 1000) * 1000;
}
