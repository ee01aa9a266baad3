import { describe, expect, it } from 'vitest';
import { ATTAINMENT_CAP_PERCENT, attainmentFor, attainmentPercent, bandAttainmentPercent, statusFor } from './attainment.ts';

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
  const higher = { kind: 'one_sided', direction: 'higher_is_better', reference: 100, warning: 90, critical: 75 } as const;
  const lower = { kind: 'one_sided', direction: 'lower_is_better', reference: 300, warning: 400, critical: 800 } as const;
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

describe('bands, missing targets and pacing', () => {
  const band = { kind: 'band', low: 10, high: 20, warningLow: 10, warningHigh: 20, criticalLow: 9, criticalHigh: 21 } as const;
  it('attains 100 inside the band and loses 100 per band width outside it', () => {
    expect(bandAttainmentPercent(15, 10, 20)).toBe(100);
    expect(bandAttainmentPercent(10, 10, 20)).toBe(100);
    expect(bandAttainmentPercent(25, 10, 20)).toBeCloseTo(50);
    expect(bandAttainmentPercent(5, 10, 20)).toBeCloseTo(50);
    expect(bandAttainmentPercent(-100, 10, 20)).toBe(0);
    expect(bandAttainmentPercent(6, 5, 5)).toBeCloseTo(80); // zero width: measured from |low|
  });
  it.each([
    [15, 'on_track'],
    [20, 'on_track'],
    [20.5, 'at_risk'],
    [9, 'at_risk'],
    [21.1, 'off_track'],
    [null, 'no_data'],
  ] as const)('band: %s → %s', (value, status) => expect(statusFor(value, band)).toBe(status));
  it('is no_target with a value but no thresholds', () => {
    expect(statusFor(3, null)).toBe('no_target');
    expect(attainmentFor(3, 'higher_is_better', { target: null, low: null, high: null, expected: null, period: null })).toBeNull();
  });
  it('measures against expected when paced', () => {
    const inForce = { target: 1000, low: null, high: null, expected: 400, period: '2026-Q4' };
    expect(attainmentFor(300, 'higher_is_better', inForce)).toBeCloseTo(75);
  });
});
