import { describe, expect, it } from 'vitest';
import { formatValue } from '@northstar/shared';
import { figure, percent, signedPercent } from './format.ts';

describe('digest figures', () => {
  it('read exactly as on the wall, durations and every currency included', () => {
    // The digest once kept its own copy of these rules and wrote "1.2k ms" where the wall said "1.2 s".
    expect(figure(1200, 'ms')).toBe('1.2 s');
    expect(figure(90, 's')).toBe('1.5 min');
    expect(figure(3, 'days')).toBe('3 d');
    expect(figure(1500, 'jpy')).toBe('¥1.5k');
    expect(figure(87.25, 'pct')).toBe('87.3 %');
    for (const [value, unit] of [
      [12_400, ''],
      [-4200, 'gbp'],
      [42, 'orders'],
      [0.34, 's'],
      [99.94, 'percent'],
    ] as const)
      expect(figure(value, unit)).toBe(formatValue(value, unit));
  });

  it('shows a dash for a missing figure and whole-percent attainment', () => {
    expect(figure(null, 'ms')).toBe('—');
    expect(percent(86.6)).toBe('87 %');
    expect(percent(null)).toBe('—');
    expect(signedPercent(-4.4)).toBe('−4 %');
    expect(signedPercent(0.2)).toBe('±0 %');
  });
});
