import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { monthAt, periodSpan, spanOf, type Unit } from './calendar-periods.ts';

const UNITS: Unit[] = ['day', 'week', 'month', 'quarter', 'year'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const HOUR = 3_600_000;

/** luxon asked directly, every time: what the remembered answers must equal. */
function reference(unit: Unit, zone: string, atMs: number): { startMs: number; endMs: number } {
  const start = DateTime.fromMillis(atMs, { zone }).startOf(unit);
  return { startMs: start.toMillis(), endMs: start.plus({ [`${unit}s`]: 1 }).toMillis() };
}

describe('calendar periods', () => {
  it('answer as luxon does at every instant, across DST changes and in any order', () => {
    // two years in uneven steps (53 h 13 min), then the same instants shuffled, so answers are
    // reused forwards, backwards and across the remembered list's eviction
    const from = Date.UTC(2025, 0, 1);
    const instants: number[] = [];
    for (let t = from; t < from + 730 * 24 * HOUR; t += 53 * HOUR + 13 * 60_000) instants.push(t);
    const shuffled = instants.map((t, i) => instants[(i * 7919) % instants.length]!);
    const wrong: string[] = [];
    for (const zone of ZONES) {
      for (const unit of UNITS) {
        for (const t of [...instants, ...shuffled]) {
          const got = spanOf(unit, zone, t);
          const want = reference(unit, zone, t);
          if (got.startMs !== want.startMs || got.endMs !== want.endMs) wrong.push(`${unit} ${zone} ${t}`);
        }
      }
      for (const t of shuffled) {
        const m = monthAt(zone, t);
        const dt = DateTime.fromMillis(t, { zone });
        const want = reference('month', zone, t);
        const labels = [dt.toFormat('yyyy-MM'), `${dt.year}-Q${dt.quarter}`, String(dt.year)];
        if (m.span.startMs !== want.startMs || m.span.endMs !== want.endMs || [m.month, m.quarter, m.year].join() !== labels.join()) {
          wrong.push(`monthAt ${zone} ${t}`);
        }
      }
    }
    expect(instants.length).toBeGreaterThan(300);
    expect(wrong).toEqual([]);
  }, 30_000);

  it('the last instant of a period belongs to it and the next millisecond to the next one', () => {
    const march = spanOf('month', 'Europe/Berlin', Date.UTC(2026, 2, 15));
    expect(spanOf('month', 'Europe/Berlin', march.endMs - 1)).toBe(march);
    const april = spanOf('month', 'Europe/Berlin', march.endMs);
    expect(april.startMs).toBe(march.endMs);
    // the DST change on 29 March makes that day 23 hours long
    const day = spanOf('day', 'Europe/Berlin', Date.UTC(2026, 2, 29, 12));
    expect(day.endMs - day.startMs).toBe(23 * HOUR);
  });

  it('is remembered: an instant inside a period known already gets the same answer without asking luxon again', () => {
    const a = spanOf('quarter', 'Europe/Berlin', Date.UTC(2026, 10, 2));
    expect(spanOf('quarter', 'Europe/Berlin', Date.UTC(2026, 11, 30))).toBe(a);
    expect(monthAt('UTC', Date.UTC(2026, 10, 2))).toBe(monthAt('UTC', Date.UTC(2026, 10, 29, 23)));
    expect(periodSpan('2026-Q4', 'Europe/Berlin')).toBe(periodSpan('2026-Q4', 'Europe/Berlin'));
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('periods named by label have the bounds of the calendar', () => {
    for (const zone of ZONES) {
      expect(periodSpan('2026', zone)).toEqual(reference('year', zone, DateTime.fromObject({ year: 2026, month: 6 }, { zone }).toMillis()));
      expect(periodSpan('2026-Q4', zone)).toEqual(
        reference('quarter', zone, DateTime.fromObject({ year: 2026, month: 11 }, { zone }).toMillis()),
      );
      expect(periodSpan('2026-03', zone)).toEqual(
        reference('month', zone, DateTime.fromObject({ year: 2026, month: 3, day: 9 }, { zone }).toMillis()),
      );
    }
  });

  it('an unknown zone gives NaN bounds and is never taken for a remembered period', () => {
    const bad = spanOf('month', 'Mars/Olympus_Mons', Date.UTC(2026, 0, 5));
    expect(bad.startMs).toBeNaN();
    expect(spanOf('month', 'Mars/Olympus_Mons', Date.UTC(2026, 0, 6)).startMs).toBeNaN();
  });
});
