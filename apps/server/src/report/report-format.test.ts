import { describe, expect, it } from 'vitest';
import { formatValue } from '@northstar/shared';
import { band, figure, percent } from './report-format.ts';

describe('the report prints figures as the wall does', () => {
  it.each([
    [273_812.45, '€', '€274k'],
    [71, '€', '€71'],
    [2_100_000, 'EUR', '€2.1M'],
    [340, 'ms', '340 ms'],
    [34, 'orders', '34 orders'],
    [98.74, '%', '98.7 %'],
  ])('%s %s reads %s, as on the wall', (value, unit, text) => {
    expect(figure(value, unit)).toBe(text);
    expect(figure(value, unit)).toBe(formatValue(value, unit));
  });
  it('prints nothing known as a dash, a band with its unit once, attainment whole', () => {
    expect(figure(null, '€')).toBe('—');
    expect(band(95, 99, '%')).toBe('95–99 %');
    expect(band(null, 99, '%')).toBe('—–99 %');
    expect(percent(86.6)).toBe('87 %');
  });
});
