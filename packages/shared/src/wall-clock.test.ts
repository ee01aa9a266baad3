import { describe, expect, it } from 'vitest';
import { wallClockFormat, wallOffsetAt, wallPartsAt } from './wall-clock.ts';

const berlin = wallClockFormat('Europe/Berlin');

describe('wall clock', () => {
  it('reads the parts a clock in the zone shows', () => {
    // 2026-01-15 23:30:45 UTC is 00:30:45 the next day in Berlin (UTC+1 in winter)
    expect(wallPartsAt(berlin, Date.UTC(2026, 0, 15, 23, 30, 45, 500))).toEqual({
      year: 2026,
      month: 1,
      day: 16,
      hour: 0,
      minute: 30,
      second: 45,
    });
  });

  it('gives the offset on both sides of a DST change, whole seconds only', () => {
    expect(wallOffsetAt(berlin, Date.UTC(2026, 0, 15, 12))).toBe(3_600_000);
    expect(wallOffsetAt(berlin, Date.UTC(2026, 6, 15, 12, 0, 0, 999))).toBe(7_200_000);
    // Berlin springs forward at 01:00 UTC on 29 March 2026
    expect(wallOffsetAt(berlin, Date.UTC(2026, 2, 29, 0, 59, 59))).toBe(3_600_000);
    expect(wallOffsetAt(berlin, Date.UTC(2026, 2, 29, 1, 0, 0))).toBe(7_200_000);
    expect(wallOffsetAt(wallClockFormat('Asia/Kolkata'), Date.UTC(2026, 0, 1))).toBe(19_800_000);
  });

  it('says an unknown zone is one', () => {
    expect(() => wallClockFormat('Mars/Olympus')).toThrow(RangeError);
  });
});
