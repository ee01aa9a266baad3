import type { Direction } from './kpi.ts';
import type { KpiState } from './status.ts';

/**
 * The numbers a tile prints beside a KPI's value, each against the target it names, so
 * "83 % of €2.1M" can never mean 83 % of something else. Pure; shared by every screen.
 */

/** Percent of `reference` reached by `value` (higher is better); null without both or with a zero reference. */
export function percentOf(value: number | null, reference: number | null): number | null {
  if (value === null || reference === null || reference === 0) return null;
  return (value / reference) * 100;
}

export interface LimitMargin {
  kind: 'under' | 'at' | 'over';
  /** "60 % under", "at", "2.4× over", "20 % over". */
  text: string;
}

/**
 * Lower is better: how far the value is from its limit, the way people say it: "60 % under"
 * (the share of the limit still spare), "at" the limit, or over it as a multiple from twice
 * the limit ("2.4× over") and as a share below that ("20 % over"). A limit of 0 has no share:
 * any positive value is simply "over".
 */
export function limitMargin(value: number | null, limit: number | null): LimitMargin | null {
  if (value === null || limit === null) return null;
  if (value === limit) return { kind: 'at', text: 'at' };
  if (limit <= 0) return value < limit ? { kind: 'under', text: 'under' } : { kind: 'over', text: 'over' };
  const ratio = value / limit;
  if (ratio < 1) return { kind: 'under', text: `${roundShare((1 - ratio) * 100)} % under` };
  if (ratio >= 2) return { kind: 'over', text: `${trim(ratio.toFixed(1))}× over` };
  return { kind: 'over', text: `${roundShare((ratio - 1) * 100)} % over` };
}

/** Whole percent, but never rounds a real difference to 0 or to 100. */
function roundShare(p: number): string {
  const r = Math.round(p);
  if (r === 0 && p > 0) return '< 1';
  if (r === 100 && p < 100) return '> 99';
  return String(r);
}

function trim(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}

export interface TargetFigures {
  /** Higher is better: percent of the period's (or the KPI's own) target; null without one. */
  ofTarget: number | null;
  /** Higher is better with a paced target: percent of where it should be by now; else null. */
  ofExpected: number | null;
  /** Lower is better: the margin to the limit; else null. */
  margin: LimitMargin | null;
}

export function targetFigures(state: Pick<KpiState, 'value' | 'target' | 'expected'>, direction: Direction): TargetFigures {
  if (direction === 'lower_is_better') return { ofTarget: null, ofExpected: null, margin: limitMargin(state.value, state.target) };
  if (direction === 'within_range') return { ofTarget: null, ofExpected: null, margin: null };
  return { ofTarget: percentOf(state.value, state.target), ofExpected: percentOf(state.value, state.expected), margin: null };
}
