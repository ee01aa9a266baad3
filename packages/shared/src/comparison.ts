import type { Direction } from './kpi.ts';

/** The operators a threshold compares with; the rule schema, the alert engine and the rule preview all use these. */
export const COMPARISON_OPS = ['>', '>=', '<', '<='] as const;
export type ComparisonOp = (typeof COMPARISON_OPS)[number];

/** Whether `value op threshold` holds: the one place a threshold rule and its preview decide it. */
export function compareWith(value: number, op: ComparisonOp, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
  }
}

/** The operator that holds exactly when `op` does not (for "value <= 5" when "value > 5" is false). */
export const NEGATED_OP: Readonly<Record<ComparisonOp, ComparisonOp>> = { '>': '<=', '>=': '<', '<': '>=', '<=': '>' };

/** How a value meets a single target: at least it when higher is better, at most it when lower is. A range has no one operator; it reads as "at least". */
export function targetOp(direction: Direction): '>=' | '<=' {
  return direction === 'lower_is_better' ? '<=' : '>=';
}

/** The operators as people write them: "≥ 100 orders". */
export const OP_SIGNS: Readonly<Record<ComparisonOp, string>> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤' };

/** Whether a value misses a single target, on the bad side for the direction (meeting it exactly is not a miss). */
export function missesTarget(value: number, target: number, direction: Direction): boolean {
  return !compareWith(value, targetOp(direction), target);
}
