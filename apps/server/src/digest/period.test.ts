import { describe, expect, it } from 'vitest';
import { digestPeriod, reportedSpan } from './period.ts';

describe('digestPeriod', () => {
  it('keys a week by its ISO week in the digest time zone, Monday first', () => {
    // Sunday 6 Dec 2026, 23:30 UTC is already Monday 7 Dec in Berlin: a new week there
    const t = Date.UTC(2026, 11, 6, 23, 30);
    expect(digestPeriod('weekly', t, 'UTC').key).toBe('2026-W49');
    expect(digestPeriod('weekly', t, 'Europe/Berlin')).toEqual({
      cadence: 'weekly',
      key: '2026-W50',
      startMs: Date.UTC(2026, 11, 6, 23, 0),
    });
  });

  it('keys months and quarters, and a week across the new year by its week-year', () => {
    expect(digestPeriod('monthly', Date.UTC(2026, 11, 31, 12), 'UTC').key).toBe('2026-12');
    expect(digestPeriod('quarterly', Date.UTC(2026, 9, 1), 'UTC')).toEqual({
      cadence: 'quarterly',
      key: '2026-Q4',
      startMs: Date.UTC(2026, 9, 1),
    });
    // Friday 1 Jan 2027 belongs to ISO week 53 of 2026
    expect(digestPeriod('weekly', Date.UTC(2027, 0, 1, 12), 'UTC').key).toBe('2026-W53');
  });
});

describe('reportedSpan', () => {
  it('reaches one cadence back', () => {
    const now = Date.UTC(2026, 2, 31, 9);
    expect(reportedSpan('weekly', now, 'UTC')).toEqual({ fromMs: Date.UTC(2026, 2, 24, 9), toMs: now });
    // 31 March minus a month clamps to 28 February
    expect(reportedSpan('monthly', now, 'UTC').fromMs).toBe(Date.UTC(2026, 1, 28, 9));
    expect(reportedSpan('quarterly', now, 'UTC').fromMs).toBe(Date.UTC(2025, 11, 31, 9));
  });
});
