import { describe, expect, it } from 'vitest';
import { COMPARISON_OPS, NEGATED_OP, OP_SIGNS, compareWith, missesTarget, targetOp } from './comparison.ts';

describe('compareWith', () => {
  it.each([
    [5, '>', 4, true],
    [4, '>', 4, false],
    [4, '>=', 4, true],
    [3, '>=', 4, false],
    [3, '<', 4, true],
    [4, '<', 4, false],
    [4, '<=', 4, true],
    [5, '<=', 4, false],
  ] as const)('%d %s %d is %s', (value, op, threshold, expected) => {
    expect(compareWith(value, op, threshold)).toBe(expected);
  });

  it('the negated operator holds exactly when the operator does not', () => {
    for (const op of COMPARISON_OPS)
      for (const value of [3, 4, 5]) expect(compareWith(value, NEGATED_OP[op], 4)).toBe(!compareWith(value, op, 4));
  });
});

describe('targets by direction', () => {
  it('higher is better meets a target at or above it, lower is better at or below it', () => {
    expect(targetOp('higher_is_better')).toBe('>=');
    expect(targetOp('lower_is_better')).toBe('<=');
    expect(OP_SIGNS[targetOp('higher_is_better')]).toBe('≥');
    expect(OP_SIGNS[targetOp('lower_is_better')]).toBe('≤');
  });

  it('a miss is the bad side of the target; the target itself is met', () => {
    expect(missesTarget(99, 100, 'higher_is_better')).toBe(true);
    expect(missesTarget(100, 100, 'higher_is_better')).toBe(false);
    expect(missesTarget(101, 100, 'lower_is_better')).toBe(true);
    expect(missesTarget(100, 100, 'lower_is_better')).toBe(false);
    expect(missesTarget(50, 100, 'lower_is_better')).toBe(false);
  });
});
