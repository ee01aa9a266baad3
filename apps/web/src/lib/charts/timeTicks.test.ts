import { describe, expect, it } from 'vitest';
import { timeTickLabel } from './timeTicks.ts';

const DAY = 86_400_000;
const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m, d, h, min).getTime();

describe('timeTickLabel', () => {
  it('reads a day as a date, never a bare day number or month', () => {
    expect(timeTickLabel(at(2026, 11, 6), 7 * DAY)).toBe('6 Dec');
    expect(timeTickLabel(at(2026, 11, 1), 30 * DAY)).toBe('1 Dec');
    expect(timeTickLabel(at(2026, 11, 6, 12), 7 * DAY)).toBe('6 Dec 12:00');
  });
  it('shows times within a day or two, and the date at midnight', () => {
    expect(timeTickLabel(at(2026, 11, 6, 14, 30), DAY)).toBe('14:30');
    expect(timeTickLabel(at(2026, 11, 7), DAY)).toBe('7 Dec');
  });
  it('shows month and year over long ranges', () => {
    expect(timeTickLabel(at(2026, 0, 1), 3 * 365 * DAY)).toBe('Jan 2026');
  });
  it('never labels a tick with a number or a month alone', () => {
    for (const span of [DAY, 7 * DAY, 30 * DAY, 92 * DAY, 365 * DAY, 1000 * DAY]) {
      for (let t = at(2026, 0, 1); t < at(2026, 0, 1) + span; t += span / 17) {
        expect(timeTickLabel(t, span)).not.toMatch(/^(\d+|[A-Z][a-z]{2})$/);
      }
    }
  });
});
