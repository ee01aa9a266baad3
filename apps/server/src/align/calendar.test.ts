import { describe, expect, it } from 'vitest';
import { addUtcMonths, utcQuarter } from './calendar.ts';

const utc = (iso: string) => Date.parse(iso);

describe('addUtcMonths', () => {
  it.each([
    ['2026-01-15T10:30:00.000Z', 1, '2026-02-15T10:30:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', 1, '2028-02-29T00:00:00.000Z'],
    ['2026-11-30T23:59:59.999Z', 3, '2027-02-28T23:59:59.999Z'],
    ['2026-12-10T00:00:00.000Z', 1, '2027-01-10T00:00:00.000Z'],
    ['2026-03-31T08:00:00.000Z', 3, '2026-06-30T08:00:00.000Z'],
    ['2026-05-20T00:00:00.000Z', 0, '2026-05-20T00:00:00.000Z'],
  ])('%s + %i months → %s', (from, months, to) => {
    expect(new Date(addUtcMonths(utc(from), months)).toISOString()).toBe(to);
  });
});

describe('utcQuarter', () => {
  it.each([
    ['2026-01-01T00:00:00.000Z', '2026-Q1'],
    ['2026-03-31T23:59:59.999Z', '2026-Q1'],
    ['2026-04-01T00:00:00.000Z', '2026-Q2'],
    ['2026-09-30T12:00:00.000Z', '2026-Q3'],
    ['2026-10-01T00:00:00.000Z', '2026-Q4'],
    ['2026-12-31T23:59:59.999Z', '2026-Q4'],
  ])('%s is in %s', (iso, quarter) => expect(utcQuarter(utc(iso))).toBe(quarter));
});
