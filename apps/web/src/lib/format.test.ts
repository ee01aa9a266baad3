import { describe, expect, it } from 'vitest';
import { formatAgo, formatClock, splitWordUnit } from './format.ts';

describe('time helpers', () => {
  it('says how long ago', () => {
    expect(formatAgo(-500)).toBe('just now');
    expect(formatAgo(400)).toBe('just now');
    expect(formatAgo(4_200)).toBe('4 s ago');
    expect(formatAgo(3 * 60_000)).toBe('3 min ago');
    expect(formatAgo(2 * 3_600_000)).toBe('2 h ago');
    expect(formatAgo(5 * 86_400_000)).toBe('5 d ago');
  });

  it('shows a clock time, with the date when it is not today', () => {
    const now = new Date(2026, 10, 25, 12, 0).getTime();
    expect(formatClock(new Date(2026, 10, 25, 10, 42).getTime(), now)).toBe('10:42');
    expect(formatClock(new Date(2026, 10, 24, 9, 5).getTime(), now)).toBe('24 Nov 09:05');
  });
});

describe('splitWordUnit', () => {
  it('splits a word unit off the figure and leaves symbols alone', () => {
    expect(splitWordUnit('672 orders', 'orders')).toEqual(['672', 'orders']);
    expect(splitWordUnit('1.2k customers', 'customers')).toEqual(['1.2k', 'customers']);
    expect(splitWordUnit('€3.1M', '€')).toEqual(['€3.1M', '']);
    expect(splitWordUnit('340 ms', 'ms')).toEqual(['340 ms', '']);
    expect(splitWordUnit('98.7 %', '%')).toEqual(['98.7 %', '']);
    expect(splitWordUnit('—', 'orders')).toEqual(['—', '']);
  });
});
