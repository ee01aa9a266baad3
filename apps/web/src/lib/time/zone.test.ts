import { describe, expect, it } from 'vitest';
import { fromWallInput, startOfPeriod, toWallInput, wallParts, wallToUtc, zoneOffsetMs } from './zone.ts';

describe('zone offsets', () => {
  it('reads the offset of a zone, with daylight saving', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'UTC')).toBe(0);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'Europe/Berlin')).toBe(3_600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15, 12), 'Europe/Berlin')).toBe(7_200_000);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'America/New_York')).toBe(-5 * 3_600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15, 12), 'Asia/Kolkata')).toBe(5.5 * 3_600_000);
  });

  it('turns a wall time into the instant, also across DST changes', () => {
    expect(wallToUtc(Date.UTC(2026, 0, 1), 'Europe/Berlin')).toBe(Date.UTC(2025, 11, 31, 23));
    expect(wallToUtc(Date.UTC(2026, 6, 1), 'Europe/Berlin')).toBe(Date.UTC(2026, 5, 30, 22));
    // 29 March 2026 02:30 does not exist in Berlin: the time after the gap
    expect(wallToUtc(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    // 25 October 2026 02:30 happens twice: the earlier one
    expect(wallToUtc(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30));
  });

  it('falls back to UTC for a zone it does not know', () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Not/AZone')).toBe(0);
    expect(wallParts(Date.UTC(2026, 0, 15, 7), 'Not/AZone')).toMatchObject({ year: 2026, month: 1, day: 15, hour: 7 });
  });
});

describe('startOfPeriod', () => {
  it('starts quarters and years at local midnight in the zone', () => {
    const now = Date.UTC(2026, 7, 20, 10);
    expect(startOfPeriod(now, 'UTC', 'quarter')).toBe(Date.UTC(2026, 6, 1));
    expect(startOfPeriod(now, 'UTC', 'year')).toBe(Date.UTC(2026, 0, 1));
    expect(startOfPeriod(now, 'Europe/Berlin', 'quarter')).toBe(Date.UTC(2026, 5, 30, 22));
    expect(startOfPeriod(now, 'Europe/Berlin', 'year')).toBe(Date.UTC(2025, 11, 31, 23));
    expect(startOfPeriod(now, 'America/New_York', 'year')).toBe(Date.UTC(2026, 0, 1, 5));
  });

  it('uses the local date, not the UTC one', () => {
    // 31 Dec 2025 20:00 in New York is already 1 Jan 2026 in UTC
    const now = Date.UTC(2026, 0, 1, 1);
    expect(startOfPeriod(now, 'UTC', 'year')).toBe(Date.UTC(2026, 0, 1));
    expect(startOfPeriod(now, 'America/New_York', 'year')).toBe(Date.UTC(2025, 0, 1, 5));
    expect(startOfPeriod(now, 'America/New_York', 'quarter')).toBe(Date.UTC(2025, 9, 1, 4));
  });
});

describe('datetime-local inputs', () => {
  it('shows and reads wall times in the zone', () => {
    const t = Date.UTC(2026, 2, 5, 13, 7);
    expect(toWallInput(t, 'UTC')).toBe('2026-03-05T13:07');
    expect(toWallInput(t, 'Europe/Berlin')).toBe('2026-03-05T14:07');
    expect(fromWallInput('2026-03-05T14:07', 'Europe/Berlin')).toBe(t);
    expect(fromWallInput('2026-03-05T13:07:30', 'UTC')).toBe(t + 30_000);
    expect(fromWallInput(toWallInput(t, 'Asia/Kolkata'), 'Asia/Kolkata')).toBe(t);
  });

  it('refuses what is not a date and time', () => {
    for (const bad of ['', '2026-03-05', '2026-02-30T10:00', '2026-13-01T00:00', '2026-03-05T24:00', 'yesterday']) {
      expect(fromWallInput(bad, 'UTC')).toBeNull();
    }
  });
});
