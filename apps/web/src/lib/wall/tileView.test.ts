import { describe, expect, it } from 'vitest';
import { computeTrend, isStale } from './tileView.ts';

const STALE_AFTER_MS = 60_000;

describe('computeTrend', () => {
  it('is good when a higher-is-better KPI goes up', () => {
    expect(computeTrend(110, 100, 'higher_is_better')).toEqual({ movement: 'up', good: true, changePct: 10 });
    expect(computeTrend(90, 100, 'higher_is_better')).toEqual({ movement: 'down', good: false, changePct: -10 });
  });

  it('is good when a lower-is-better KPI goes down', () => {
    expect(computeTrend(300, 400, 'lower_is_better')).toEqual({ movement: 'down', good: true, changePct: -25 });
    expect(computeTrend(500, 400, 'lower_is_better')?.good).toBe(false);
  });

  it('is flat for no or negligible change', () => {
    expect(computeTrend(100, 100, 'higher_is_better')).toEqual({ movement: 'flat', good: null, changePct: 0 });
    expect(computeTrend(100.01, 100, 'higher_is_better')?.movement).toBe('flat');
  });

  it('has no percentage when the previous window was zero', () => {
    expect(computeTrend(5, 0, 'higher_is_better')).toEqual({ movement: 'up', good: true, changePct: null });
  });

  it('is null without both windows', () => {
    expect(computeTrend(null, 100, 'higher_is_better')).toBeNull();
    expect(computeTrend(100, null, 'higher_is_better')).toBeNull();
  });
});

describe('isStale', () => {
  it('is stale only past the threshold', () => {
    expect(isStale(null, 1e12, STALE_AFTER_MS)).toBe(false);
    expect(isStale(1_000, 1_000 + STALE_AFTER_MS, STALE_AFTER_MS)).toBe(false);
    expect(isStale(1_000, 1_001 + STALE_AFTER_MS, STALE_AFTER_MS)).toBe(true);
  });
});
