import { describe, expect, it } from 'vitest';
import { formatCompact, formatPercent, formatPlain, formatRange, formatValue } from './value-format.ts';

describe('formatValue', () => {
  it.each([
    [12_400, '', '12.4k'],
    [120_000, '', '120k'],
    [999_950, '', '1M'],
    [3_100_000, '', '3.1M'],
    [2_500_000_000, '', '2.5B'],
    [340, '', '340'],
    [0, '', '0'],
    [7.25, '', '7.25'],
    [-12_400, '', '-12.4k'],
  ])('formats %d with no unit as %s', (value, unit, expected) => {
    expect(formatValue(value, unit)).toBe(expected);
  });

  it('formats percentages with a space before the sign', () => {
    expect(formatValue(98.7, '%')).toBe('98.7 %');
    expect(formatValue(100, '%')).toBe('100 %');
    expect(formatValue(99.94, 'percent')).toBe('99.9 %');
    expect(formatValue(0.5, '%')).toBe('0.5 %');
    expect(formatValue(87.25, 'pct')).toBe('87.3 %');
  });

  it('formats durations in the most readable unit', () => {
    expect(formatValue(340, 'ms')).toBe('340 ms');
    expect(formatValue(1200, 'ms')).toBe('1.2 s');
    expect(formatValue(1.2, 's')).toBe('1.2 s');
    expect(formatValue(0.34, 's')).toBe('340 ms');
    expect(formatValue(90, 's')).toBe('1.5 min');
    expect(formatValue(4.5, 'ms')).toBe('4.5 ms');
    expect(formatValue(2, 'h')).toBe('2 h');
    expect(formatValue(24, 'h')).toBe('24 h');
    expect(formatValue(0.5, 'h')).toBe('30 min');
    expect(formatValue(3, 'days')).toBe('3 d');
  });

  it('formats currencies with the symbol in front', () => {
    expect(formatValue(3_100_000, 'EUR')).toBe('€3.1M');
    expect(formatValue(3_100_000, '€')).toBe('€3.1M');
    expect(formatValue(120, 'USD')).toBe('$120');
    expect(formatValue(12.5, '$')).toBe('$12.5');
    expect(formatValue(-4200, 'gbp')).toBe('-£4.2k');
    expect(formatValue(1500, 'JPY')).toBe('¥1.5k');
  });

  it('appends unknown units after a space', () => {
    expect(formatValue(42, 'orders')).toBe('42 orders');
    expect(formatValue(12_400, 'req/s')).toBe('12.4k req/s');
  });

  it('shows a dash when there is no value', () => {
    expect(formatValue(null, '%')).toBe('—');
    expect(formatValue(undefined, '')).toBe('—');
    expect(formatValue(Number.NaN, 'ms')).toBe('—');
    expect(formatValue(Number.POSITIVE_INFINITY, '')).toBe('—');
  });
});

describe('number helpers', () => {
  it('keeps about three significant figures', () => {
    expect(formatPlain(123.456)).toBe('123');
    expect(formatPlain(12.345)).toBe('12.3');
    expect(formatPlain(1.2345)).toBe('1.23');
    expect(formatPlain(-0.001)).toBe('0');
  });

  it('compacts large numbers', () => {
    expect(formatCompact(1000)).toBe('1k');
    expect(formatCompact(999)).toBe('999');
  });

  it('rounds attainment to whole percent', () => {
    expect(formatPercent(86.6)).toBe('87 %');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('formatRange', () => {
  it('writes a shared unit once', () => {
    expect(formatRange(95, 99, '%')).toBe('95–99 %');
    expect(formatRange(200, 400, 'ms')).toBe('200–400 ms');
    expect(formatRange(1000, 2000, 'eur')).toBe('€1k–€2k');
    expect(formatRange(1200, 1500, '')).toBe('1.2k–1.5k');
  });
});
