import { DateTime } from 'luxon';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Where a series is read from: raw events, or the rollup level whose buckets fit. */
export type SeriesSource = 'events' | 'minute' | 'hour' | 'day';

export const ROLLUP_TABLES: Record<Exclude<SeriesSource, 'events'>, string> = {
  minute: 'events_rollup_1m',
  hour: 'events_rollup_1h',
  day: 'events_rollup_1d',
};

export const ROLLUP_GRAIN_MS: Record<Exclude<SeriesSource, 'events'>, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };

/** The percentile levels the rollups keep, in the order of the `q` state's result array. */
export const ROLLUP_QUANTILE_LEVELS = [0.5, 0.9, 0.95, 0.99] as const;

/**
 * How a KPI's time zone lines up with the rollups' UTC buckets:
 * - utc: always offset 0, UTC day rollups are its days;
 * - hour: whole-hour offsets (most zones, DST included): its days are unions of UTC hours;
 * - minute: half- and quarter-hour offsets (Asia/Kolkata, Asia/Kathmandu): unions of minutes.
 */
export type ZoneGrain = 'utc' | 'hour' | 'minute';

const zoneGrains = new Map<string, ZoneGrain>();
/** Offsets are sampled twice a year (both sides of any DST) over the years events may have. */
const FIRST_SAMPLED_YEAR = 2000;

export function zoneGrain(timezone: string): ZoneGrain {
  const known = zoneGrains.get(timezone);
  if (known) return known;
  let grain: ZoneGrain = 'utc';
  const lastYear = new Date().getUTCFullYear() + 1;
  for (let year = FIRST_SAMPLED_YEAR; year <= lastYear && grain !== 'minute'; year++) {
    for (const month of [1, 7]) {
      const offset = DateTime.fromObject({ year, month, day: 1 }, { zone: timezone }).offset;
      if (offset % 60 !== 0) grain = 'minute';
      else if (offset !== 0 && grain === 'utc') grain = 'hour';
    }
  }
  zoneGrains.set(timezone, grain);
  return grain;
}

export interface BucketPlan {
  /** fixed: buckets are multiples of bucketMs since the epoch; day: the KPI's local calendar days. */
  mode: 'fixed' | 'day';
  bucketMs: number;
  source: SeriesSource;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Calendar windows restart at a local period start; a bucket must not straddle one. Zones
 * with whole-hour offsets start periods on UTC hours; every zone's offset is a multiple of 15 min.
 */
function calendarGrainMs(zone: ZoneGrain): number {
  return zone === 'minute' ? 900_000 : HOUR_MS;
}

/** The coarsest table whose buckets divide `bucketMs` (UTC-aligned buckets). */
function sourceForBucket(bucketMs: number): SeriesSource {
  if (bucketMs % DAY_MS === 0) return 'day';
  if (bucketMs % HOUR_MS === 0) return 'hour';
  if (bucketMs % MINUTE_MS === 0) return 'minute';
  return 'events';
}

/**
 * The buckets a series is computed in, and the table that holds them.
 * - rolling windows (windowMs > 0): buckets of gcd(step, window), so every window is whole buckets;
 * - calendar windows (windowMs 0): buckets that never straddle a local period start;
 * - a step of whole days (and, for rolling windows, a window of whole days) is counted in the
 *   KPI's local days, which are 23 or 25 hours long across a DST change: the day rollup serves
 *   UTC KPIs, hour rollups regrouped by toDate(bucket, tz) serve whole-hour zones, minute
 *   rollups the rest.
 */
export function planBuckets(stepMs: number, windowMs: number, zone: ZoneGrain = 'utc'): BucketPlan {
  const bucketMs = windowMs > 0 ? gcd(stepMs, windowMs) : stepMs % DAY_MS === 0 ? DAY_MS : gcd(stepMs, calendarGrainMs(zone));
  if (bucketMs % DAY_MS === 0) {
    return { mode: 'day', bucketMs: DAY_MS, source: zone === 'utc' ? 'day' : zone === 'hour' ? 'hour' : 'minute' };
  }
  return { mode: 'fixed', bucketMs, source: sourceForBucket(bucketMs) };
}

/** The table a series with this step and rolling window (0: calendar) reads. */
export function chooseSource(stepMs: number, windowMs: number, zone: ZoneGrain = 'utc'): SeriesSource {
  return planBuckets(stepMs, windowMs, zone).source;
}
