import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { inQuietHours, QuietHoursSchema, quietHoursEnd } from './quiet-hours.ts';

const NIGHT = { start: '22:00', end: '07:00' };
const BERLIN = 'Europe/Berlin';
const local = (iso: string) => DateTime.fromISO(iso, { zone: BERLIN }).toMillis();

describe('quiet hours across DST in Europe/Berlin', () => {
  // 2026-10-25: clocks go back 03:00 CEST → 02:00 CET (UTC+2 → UTC+1).
  // 2026-03-29: clocks go forward 02:00 CET → 03:00 CEST (UTC+1 → UTC+2).
  const nights = [
    { name: 'autumn (25-hour night)', eve: '2026-10-24', day: '2026-10-25', eveOffset: 120, dayOffset: 60 },
    { name: 'spring (23-hour night)', eve: '2026-03-28', day: '2026-03-29', eveOffset: 60, dayOffset: 120 },
  ];
  it.each(nights)('$name: quiet at 23:30 and 06:30 local, not at 07:30', ({ eve, day, eveOffset, dayOffset }) => {
    const at2330 = local(`${eve}T23:30`);
    const at0630 = local(`${day}T06:30`);
    const at0730 = local(`${day}T07:30`);
    // The offsets differ across the change: the test is about wall-clock time, not UTC.
    expect(DateTime.fromMillis(at2330, { zone: BERLIN }).offset).toBe(eveOffset);
    expect(DateTime.fromMillis(at0630, { zone: BERLIN }).offset).toBe(dayOffset);
    expect(inQuietHours(NIGHT, BERLIN, at2330)).toBe(true);
    expect(inQuietHours(NIGHT, BERLIN, at0630)).toBe(true);
    expect(inQuietHours(NIGHT, BERLIN, at0730)).toBe(false);
    expect(inQuietHours(NIGHT, BERLIN, local(`${eve}T21:59`))).toBe(false);
  });
  it('autumn: both 02:30s of the repeated hour are quiet', () => {
    const first = Date.UTC(2026, 9, 25, 0, 30); // 02:30 CEST
    const second = Date.UTC(2026, 9, 25, 1, 30); // 02:30 CET
    for (const t of [first, second]) {
      expect(DateTime.fromMillis(t, { zone: BERLIN }).toFormat('HH:mm')).toBe('02:30');
      expect(inQuietHours(NIGHT, BERLIN, t)).toBe(true);
    }
  });
  it.each(nights)('$name: the window ends at 07:00 local, whatever the UTC offset', ({ eve, day, dayOffset }) => {
    const end = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8)), 7) - dayOffset * 60_000;
    expect(quietHoursEnd(NIGHT, BERLIN, local(`${eve}T23:30`))).toBe(end);
    expect(quietHoursEnd(NIGHT, BERLIN, local(`${day}T06:30`))).toBe(end);
    expect(quietHoursEnd(NIGHT, BERLIN, local(`${day}T07:30`))).toBeNull();
  });
  it('the same instant is quiet in one zone and not in another', () => {
    const t = Date.UTC(2026, 9, 25, 5, 30); // 06:30 in Berlin, 01:30 in New York, 14:30 in Tokyo
    expect(inQuietHours(NIGHT, BERLIN, t)).toBe(true);
    expect(inQuietHours(NIGHT, 'America/New_York', t)).toBe(true);
    expect(inQuietHours(NIGHT, 'Asia/Tokyo', t)).toBe(false);
  });
});

describe('quiet hours', () => {
  const utc = (hhmm: string) => Date.parse(`2026-06-01T${hhmm}:00Z`);
  it('a window within the day', () => {
    const lunch = { start: '12:00', end: '13:00' };
    expect(inQuietHours(lunch, 'UTC', utc('11:59'))).toBe(false);
    expect(inQuietHours(lunch, 'UTC', utc('12:00'))).toBe(true);
    expect(inQuietHours(lunch, 'UTC', utc('12:59'))).toBe(true);
    expect(inQuietHours(lunch, 'UTC', utc('13:00'))).toBe(false);
    expect(quietHoursEnd(lunch, 'UTC', utc('12:30'))).toBe(utc('13:00'));
  });
  it('crossing midnight: start inclusive, end exclusive', () => {
    expect(inQuietHours(NIGHT, 'UTC', utc('22:00'))).toBe(true);
    expect(inQuietHours(NIGHT, 'UTC', utc('00:00'))).toBe(true);
    expect(inQuietHours(NIGHT, 'UTC', utc('06:59'))).toBe(true);
    expect(inQuietHours(NIGHT, 'UTC', utc('07:00'))).toBe(false);
    expect(quietHoursEnd(NIGHT, 'UTC', utc('22:00'))).toBe(Date.parse('2026-06-02T07:00:00Z'));
  });
  it('start equal to end is an empty window', () => {
    expect(inQuietHours({ start: '08:00', end: '08:00' }, 'UTC', utc('08:00'))).toBe(false);
  });
  it('the schema takes HH:MM only', () => {
    expect(QuietHoursSchema.safeParse(NIGHT).success).toBe(true);
    expect(QuietHoursSchema.safeParse({ start: '24:00', end: '07:00' }).success).toBe(false);
    expect(QuietHoursSchema.safeParse({ start: '7:00', end: '08:00' }).success).toBe(false);
  });
});
