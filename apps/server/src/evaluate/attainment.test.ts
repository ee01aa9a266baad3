import { describe, expect, it } from 'vitest';
import { ATTAINMENT_CAP_PERCENT, attainmentPercent, statusFor } from './attainment.ts';

describe('attainmentPercent', () => {
  it('is value over target when higher is better', () => {
    expect(attainmentPercent(87, 100, 'higher_is_better')).toBeCloseTo(87);
    expect(attainmentPercent(150, 100, 'higher_is_better')).toBeCloseTo(150);
  });
  it('is target over value when lower is better', () => {
    expect(attainmentPercent(400, 300, 'lower_is_better')).toBeCloseTo(75);
    expect(attainmentPercent(150, 300, 'lower_is_better')).toBeCloseTo(200);
  });
  it('is null without a value, capped, and never negative', () => {
    expect(attainmentPercent(null, 100, 'higher_is_better')).toBeNull();
    expect(attainmentPercent(1e9, 1, 'higher_is_better')).toBe(ATTAINMENT_CAP_PERCENT);
    expect(attainmentPercent(0, 300, 'lower_is_better')).toBe(ATTAINMENT_CAP_PERCENT);
    expect(attainmentPercent(-5, 100, 'higher_is_better')).toBe(0);
  });
  it('handles a zero target', () => {
    expect(attainmentPercent(3, 0, 'higher_is_better')).toBe(100);
    expect(attainmentPercent(3, 0, 'lower_is_better')).toBe(0);
  });
});

describe('statusFor', () => {
  const higher = { direction: 'higher_is_better' as const, warningValue: 90, criticalValue: 75 };
  const lower = { direction: 'lower_is_better' as const, warningValue: 400, criticalValue: 800 };
  it.each([
    [null, 'no_data'],
    [120, 'on_track'],
    [90, 'on_track'],
    [89.9, 'at_risk'],
    [75, 'at_risk'],
    [74.9, 'off_track'],
  ] as const)('higher is better: %s → %s', (value, status) => expect(statusFor(value, higher)).toBe(status));
  it.each([
    [null, 'no_data'],
    [100, 'on_track'],
    [400, 'on_track'],
    [400.1, 'at_risk'],
    [800, 'at_risk'],
    [800.1, 'off_track'],
  ] as const)('lower is better: %s → %s', (value, status) => expect(statusFor(value, lower)).toBe(status));
});
