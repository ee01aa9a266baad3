import { LocalCalendar } from './local-time.ts';
import { MedianRing } from './ring.ts';
import { MAD_TO_SIGMA } from './robust.ts';
import { NOT_READY, assess, flooredScale, isCount, type Assessment } from './score.ts';

const DAY_MS = 86_400_000;
const HOURS = 24;
const WEEK_HOURS = 7 * HOURS;

/** Warm-up: two days, so each hour of the day has been seen twice and the daily profile may vote (if it forecasts best). */
export const SEASONAL_WARMUP_MS = 2 * DAY_MS;
/** The weekly profile (weekday and hour) takes over from the daily one only after two weeks: every weekday seen twice. */
export const SEASONAL_WEEKLY_AFTER_MS = 14 * DAY_MS;
/** A (weekday, hour) bucket is used once it holds this many values (and two weeks have passed); until then the hour-of-day bucket stands in. */
export const SEASONAL_MIN_WEEKDAY_VALUES = 2;
/** Values kept per (weekday, hour) bucket: 8 weeks at a 15-minute step; older ones fall out. */
export const SEASONAL_WEEKDAY_CAPACITY = 32;
/** An hour-of-day bucket judges residuals once it holds this many values (one day at a 15-minute step, two at half-hourly). */
export const SEASONAL_MIN_HOUR_VALUES = 4;
/** Values kept per hour-of-day bucket: 16 days at a 15-minute step. */
export const SEASONAL_HOUR_CAPACITY = 64;
/** Residuals needed before a spread is trusted: pooled over the bucket and its two neighbours. */
export const SEASONAL_MIN_RESIDUALS = 6;
/**
 * Learned values are clipped to expected ± this many sigmas before entering a bucket, so
 * an anomaly that was learned (one nobody marked expected) shifts next week's median by
 * little instead of leaving a ghost of itself.
 */
export const SEASONAL_CLIP_Z = 2.5;
/**
 * The level offset (slow drift of the whole series against its seasonal profile, e.g. growth)
 * is an EWMA of the clipped residuals: ~100 points (a day at 15 minutes) of memory.
 */
export const SEASONAL_OFFSET_ALPHA = 0.01;
/** After a detected level shift the offset follows fast for a while, so the new level becomes the baseline (re-baselining). */
export const SEASONAL_OFFSET_FAST_ALPHA = 0.35;
export const SEASONAL_FAST_POINTS = 12;

interface Bucket {
  values: MedianRing;
  residuals: MedianRing;
}

const bucket = (capacity: number): Bucket => ({ values: new MedianRing(capacity), residuals: new MedianRing(capacity) });

interface Position {
  /** The (weekday, hour) bucket of the point, 0 … 167 from Monday 00:00 local. */
  index: number;
  /** The buckets either side of the point (bucket centres are at hh:30) and where the point falls between them. */
  a: number;
  b: number;
  frac: number;
}

/**
 * A seasonal baseline by local hour of day and day of week in the KPI's timezone (DST-aware
 * through LocalCalendar). Each (weekday, hour) bucket keeps its recent values and
 * residuals; the expectation interpolates between the medians of neighbouring hours (a
 * steep morning ramp is not mistaken for spread), plus a slowly learned level offset.
 * A weekday bucket without enough history borrows its hour-of-day bucket.
 */
export class SeasonalDetector {
  readonly #calendar: LocalCalendar;
  readonly #weekday: Bucket[] = Array.from({ length: WEEK_HOURS }, () => bucket(SEASONAL_WEEKDAY_CAPACITY));
  readonly #hour: Bucket[] = Array.from({ length: HOURS }, () => bucket(SEASONAL_HOUR_CAPACITY));
  #firstTs: number | null = null;
  #offset = 0;
  #fastLeft = 0;
  #counts = true;

  constructor(timezone: string) {
    this.#calendar = new LocalCalendar(timezone);
  }

  /** Ready at `ts` once two days of history lie behind it (the daily profile). */
  readyAt(ts: number): boolean {
    return this.#firstTs !== null && ts - this.#firstTs >= SEASONAL_WARMUP_MS;
  }

  /** The weekly profile is used from `ts` on: two weeks of history. */
  weeklyAt(ts: number): boolean {
    return this.#firstTs !== null && ts - this.#firstTs >= SEASONAL_WEEKLY_AFTER_MS;
  }

  /** The bucket index (weekday · 24 + local hour) of `ts`; exposed for tests of the DST handling. */
  bucketOf(ts: number): number {
    const t = this.#calendar.local(ts);
    return t.weekday * HOURS + t.hour;
  }

  #position(ts: number): Position {
    const t = this.#calendar.local(ts);
    const index = t.weekday * HOURS + t.hour;
    const within = t.minute / 60;
    if (within >= 0.5) return { index, a: index, b: (index + 1) % WEEK_HOURS, frac: within - 0.5 };
    return { index, a: (index + WEEK_HOURS - 1) % WEEK_HOURS, b: index, frac: within + 0.5 };
  }

  #weekly = false;

  #level(index: number, weekdayOnly: boolean): number | null {
    const wd = this.#weekday[index] as Bucket;
    if (this.#weekly && wd.values.size >= SEASONAL_MIN_WEEKDAY_VALUES) return wd.values.median();
    if (weekdayOnly) return null;
    const h = this.#hour[index % HOURS] as Bucket;
    return h.values.size > 0 ? h.values.median() : null;
  }

  /** The seasonal profile at a position (without the offset), or null when neither neighbour has history. */
  #profile(p: Position, weekdayOnly: boolean): number | null {
    const la = this.#level(p.a, weekdayOnly);
    const lb = this.#level(p.b, weekdayOnly);
    if (la === null) return lb;
    if (lb === null) return la;
    return la + p.frac * (lb - la);
  }

  /** Robust sigma of the residuals: the weekday bucket and its neighbours pooled, else the hour of day's. */
  #spread(p: Position): number | null {
    if (this.#weekly) {
      // the bucket and its neighbours: the mean of their median residuals, weighted by how many each holds (O(1) per bucket)
      let sum = 0;
      let count = 0;
      for (const i of [p.index - 1, p.index, p.index + 1]) {
        const r = (this.#weekday[(i + WEEK_HOURS) % WEEK_HOURS] as Bucket).residuals;
        if (r.size === 0) continue;
        sum += r.size * r.median();
        count += r.size;
      }
      if (count >= SEASONAL_MIN_RESIDUALS) return (MAD_TO_SIGMA * sum) / count;
    }
    const h = (this.#hour[p.index % HOURS] as Bucket).residuals;
    return h.size >= SEASONAL_MIN_RESIDUALS ? MAD_TO_SIGMA * h.median() : null;
  }

  /** Expected value and noise scale at `ts`, or null without history. */
  #model(p: Position): { expected: number; scale: number; ownScale: number } | null {
    const profile = this.#profile(p, false);
    const spread = this.#spread(p);
    if (profile === null || spread === null) return null;
    const expected = profile + this.#offset;
    return { expected, scale: flooredScale(spread, expected, this.#counts), ownScale: flooredScale(spread, expected, false) };
  }

  assess(ts: number, value: number | null): Assessment {
    if (!this.readyAt(ts)) return NOT_READY;
    this.#weekly = this.weeklyAt(ts);
    const m = this.#model(this.#position(ts));
    return m === null ? NOT_READY : assess(value, m.expected, m.scale, m.ownScale);
  }

  /** After a confirmed level shift: let the offset catch up with the new level quickly. */
  rebaseline(): void {
    this.#fastLeft = SEASONAL_FAST_POINTS;
  }

  learn(ts: number, value: number | null): void {
    if (value === null || !Number.isFinite(value)) return;
    this.#firstTs ??= ts;
    if (!isCount(value)) this.#counts = false;
    const p = this.#position(ts);
    const wd = this.#weekday[p.index] as Bucket;
    const h = this.#hour[p.index % HOURS] as Bucket;
    const established = this.readyAt(ts);
    this.#weekly = this.weeklyAt(ts);
    // residuals against each profile before the value joins its bucket (a value is no evidence of its own normality)
    const weekdayProfile = this.#weekly ? this.#profile(p, true) : null;
    if (weekdayProfile !== null) wd.residuals.push(Math.abs(value - this.#offset - weekdayProfile));
    const hourProfile = this.#hourProfile(p);
    if (hourProfile !== null) h.residuals.push(Math.abs(value - this.#offset - hourProfile));

    const m = established ? this.#model(p) : null;
    let x = value;
    if (m !== null) {
      const limit = SEASONAL_CLIP_Z * m.scale;
      x = Math.min(m.expected + limit, Math.max(m.expected - limit, value));
      // once weekly, the offset tracks drift against weekday buckets only: against the hour-of-day stand-in a weekend would pass for drift
      if (weekdayProfile !== null || !this.#weekly) {
        const fast = this.#fastLeft > 0;
        if (fast) this.#fastLeft--;
        this.#offset += (fast ? SEASONAL_OFFSET_FAST_ALPHA : SEASONAL_OFFSET_ALPHA) * (x - m.expected);
      }
    }
    wd.values.push(x - this.#offset);
    h.values.push(x - this.#offset);
  }

  /** The hour-of-day profile, once both neighbouring hours have a couple of days behind them. */
  #hourProfile(p: Position): number | null {
    const a = (this.#hour[p.a % HOURS] as Bucket).values;
    const b = (this.#hour[p.b % HOURS] as Bucket).values;
    if (a.size < SEASONAL_MIN_HOUR_VALUES || b.size < SEASONAL_MIN_HOUR_VALUES) return null;
    return a.median() + p.frac * (b.median() - a.median());
  }
}
