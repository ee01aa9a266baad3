import { describe, expect, it } from 'vitest';
import { LocalCalendar } from './local-time.ts';
import { zThreshold } from './score.ts';
import { SEASONAL_WARMUP_MS, SeasonalDetector } from './seasonal.ts';

const HOUR = 3_600_000;
const STEP = 15 * 60_000;
const medium = zThreshold('medium');

describe('LocalCalendar across a DST change', () => {
  const berlin = new LocalCalendar('Europe/Berlin');

  it('puts instants on the right local hour around spring-forward (30 March 2025, 02:00 → 03:00)', () => {
    // 00:30 UTC = 01:30 CET; 01:30 UTC = 03:30 CEST (02:xx does not exist that night)
    expect(berlin.local(Date.UTC(2025, 2, 30, 0, 30))).toEqual({ weekday: 6, hour: 1, minute: 30 });
    expect(berlin.local(Date.UTC(2025, 2, 30, 1, 30))).toEqual({ weekday: 6, hour: 3, minute: 30 });
    expect(berlin.offsetMs(Date.UTC(2025, 2, 30, 0, 59))).toBe(HOUR);
    expect(berlin.offsetMs(Date.UTC(2025, 2, 30, 1, 0))).toBe(2 * HOUR);
  });

  it('puts instants on the right local hour around fall-back (26 October 2025, 03:00 → 02:00)', () => {
    // 00:30 UTC = 02:30 CEST, 01:30 UTC = 02:30 CET: the same local hour twice, then 03:xx
    expect(berlin.local(Date.UTC(2025, 9, 26, 0, 30)).hour).toBe(2);
    expect(berlin.local(Date.UTC(2025, 9, 26, 1, 30)).hour).toBe(2);
    expect(berlin.local(Date.UTC(2025, 9, 26, 2, 30))).toEqual({ weekday: 6, hour: 3, minute: 30 });
  });

  it('rejects an unknown timezone', () => {
    expect(() => new LocalCalendar('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('SeasonalDetector', () => {
  it('keys buckets by local weekday and hour: 09:00 Berlin is bucket 9 of Monday before and after DST', () => {
    const d = new SeasonalDetector('Europe/Berlin');
    expect(d.bucketOf(Date.UTC(2025, 2, 24, 8, 0))).toBe(9); // Monday 24 March, CET
    expect(d.bucketOf(Date.UTC(2025, 2, 31, 7, 0))).toBe(9); // Monday 31 March, CEST
    expect(d.bucketOf(Date.UTC(2025, 2, 31, 8, 0))).toBe(10);
  });

  /** A daily pattern by Berlin wall-clock hour: 100 at night, 400 from 09:00 to 17:59, with a small wobble. */
  const pattern = (cal: LocalCalendar, ts: number, i: number) => {
    const { hour } = cal.local(ts);
    return (hour >= 9 && hour < 18 ? 400 : 100) + (i % 3) - 1;
  };

  it('warms up for a week, then follows the local-time pattern across spring-forward', () => {
    const cal = new LocalCalendar('Europe/Berlin');
    const d = new SeasonalDetector('Europe/Berlin');
    const start = Date.UTC(2025, 2, 10); // three weeks before the change
    let i = 0;
    let ts = start;
    for (; ts < start + SEASONAL_WARMUP_MS; ts += STEP, i++) {
      expect(d.assess(ts, pattern(cal, ts, i)).lower).toBeNull();
      d.learn(ts, pattern(cal, ts, i));
    }
    let worst = 0;
    const end = Date.UTC(2025, 3, 3);
    for (; ts < end; ts += STEP, i++) {
      const v = pattern(cal, ts, i);
      const a = d.assess(ts, v);
      // skip the points on an hour edge, where interpolation between buckets meets the step of the pattern
      const { hour, minute } = cal.local(ts);
      if (minute >= 15 && minute < 45 && hour !== 8 && hour !== 9 && hour !== 17 && hour !== 18) worst = Math.max(worst, a.score);
      d.learn(ts, v);
    }
    expect(worst).toBeLessThan(medium);
    // after the change, 09:30 CEST (07:30 UTC) is still "daytime", 07:30 CEST (05:30 UTC) still "night"
    const day = d.assess(Date.UTC(2025, 3, 3, 7, 30), 400);
    const night = d.assess(Date.UTC(2025, 3, 3, 5, 30), 100);
    expect(day.expected).toBeCloseTo(400, -1);
    expect(night.expected).toBeCloseTo(100, -1);
    expect(d.assess(Date.UTC(2025, 3, 3, 7, 30), 100).score).toBeGreaterThan(medium);
  });

  it('rebaselines: after rebaseline() the offset catches up with a new level within a few points', () => {
    const d = new SeasonalDetector('UTC');
    const start = Date.UTC(2025, 0, 6);
    let ts = start;
    for (let i = 0; ts < start + 8 * 24 * HOUR; ts += STEP, i++) d.learn(ts, 50 + (i % 5));
    d.rebaseline();
    for (let k = 0; k < 12; k++, ts += STEP) d.learn(ts, 70 + (k % 5));
    expect(d.assess(ts, 72).expected as number).toBeGreaterThan(65);
  });
});
