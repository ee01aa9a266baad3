import type { KpiState, WallObjective } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { headerTarget, objectiveNames } from './header.ts';

const state: Pick<KpiState, 'target' | 'targetLow' | 'targetHigh' | 'expected' | 'period'> = {
  target: 100,
  targetLow: null,
  targetHigh: null,
  expected: null,
  period: null,
};

describe('headerTarget', () => {
  it('says which way the target points, with unit, period and pacing', () => {
    expect(headerTarget({ direction: 'higher_is_better', unit: 'orders' }, state)).toBe('≥ 100 orders');
    expect(headerTarget({ direction: 'lower_is_better', unit: 'ms' }, { ...state, target: 300, period: '2026-Q4' })).toBe(
      '≤ 300 ms for 2026-Q4',
    );
    expect(headerTarget({ direction: 'higher_is_better', unit: '' }, { ...state, target: 90_000, expected: 40_000 })).toBe(
      '≥ 90k (expected 40k by now)',
    );
  });

  it('gives a band as a range, and says when there is none', () => {
    expect(headerTarget({ direction: 'within_range', unit: '%' }, { ...state, target: null, targetLow: 95, targetHigh: 99 })).toBe(
      '95–99 %',
    );
    expect(headerTarget({ direction: 'higher_is_better' }, { ...state, target: null })).toBe('none');
  });
});

describe('objectiveNames', () => {
  const objectives = [{ definition: { id: 'sales', name: 'Sell more' } }] as unknown as WallObjective[];
  it('names the linked objectives, falling back to the id', () => {
    expect(objectiveNames({ objective: 'sales' }, objectives)).toEqual(['Sell more']);
    expect(
      objectiveNames(
        {
          objectives: [
            { id: 'sales', weight: 1 },
            { id: 'other', weight: 2 },
          ],
        },
        objectives,
      ),
    ).toEqual(['Sell more', 'other']);
    expect(objectiveNames({}, objectives)).toEqual([]);
  });
});
