import { describe, expect, it } from 'vitest';
import { limitMargin, percentOf, targetFigures } from './figures.ts';

describe('limitMargin: lower is better, as the margin to the limit', () => {
  it.each([
    [0.06, 0.15, 'under', '60 % under'],
    [2, 8, 'under', '75 % under'],
    [8, 8, 'at', 'at'],
    [9.6, 8, 'over', '20 % over'],
    [0.36, 0.15, 'over', '2.4× over'],
    [32, 8, 'over', '4× over'],
    [0, 8, 'under', '100 % under'],
    [7.99, 8, 'under', '< 1 % under'],
    [0.001, 8, 'under', '> 99 % under'],
    [3, 0, 'over', 'over'],
  ] as const)('%s against a limit of %s → %s "%s"', (value, limit, kind, text) => {
    expect(limitMargin(value, limit)).toEqual({ kind, text });
  });
  it('has nothing to say without a value or a limit', () => {
    expect(limitMargin(null, 8)).toBeNull();
    expect(limitMargin(3, null)).toBeNull();
  });
});

describe('targetFigures: each percent against the target it names', () => {
  it('a paced target: percent of the period target and percent of expected-by-now, separately (issue 13: 72 % vs 83 %)', () => {
    const f = targetFigures({ value: 1.51e6, target: 2.1e6, expected: 1.82e6 }, 'higher_is_better');
    expect(Math.round(f.ofTarget ?? 0)).toBe(72);
    expect(Math.round(f.ofExpected ?? 0)).toBe(83);
    expect(f.margin).toBeNull();
  });
  it('lower is better has a margin and no percent of target', () => {
    expect(targetFigures({ value: 2, target: 8, expected: null }, 'lower_is_better')).toEqual({
      ofTarget: null,
      ofExpected: null,
      margin: { kind: 'under', text: '75 % under' },
    });
  });
  it('percentOf is null without a reference or with a zero one', () => {
    expect(percentOf(5, null)).toBeNull();
    expect(percentOf(5, 0)).toBeNull();
    expect(percentOf(null, 5)).toBeNull();
    expect(percentOf(5, 10)).toBe(50);
  });
});
