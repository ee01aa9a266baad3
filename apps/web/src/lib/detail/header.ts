import { OP_SIGNS, kpiLinks, targetOp, type KpiDefinition, type KpiState, type WallObjective } from '@northstar/shared';
import { formatRange, formatValue } from '../format.ts';

/** The target in force now, in words for the detail header: "≥ 100 orders for 2026-Q4", "95–99 %", "none". */
export function headerTarget(
  def: Pick<KpiDefinition, 'direction' | 'unit'>,
  state: Pick<KpiState, 'target' | 'targetLow' | 'targetHigh' | 'expected' | 'period'>,
): string {
  const unit = def.unit ?? '';
  const period = state.period ? ` for ${state.period}` : '';
  const expected = state.expected === null ? '' : ` (expected ${formatValue(state.expected, unit)} by now)`;
  if (state.targetLow !== null && state.targetHigh !== null) return `${formatRange(state.targetLow, state.targetHigh, unit)}${period}`;
  if (state.target === null) return 'none';
  const sign = OP_SIGNS[targetOp(def.direction)];
  return `${sign} ${formatValue(state.target, unit)}${period}${expected}`;
}

/** The objectives a KPI serves, by name where the wall knows them, else by id. */
export function objectiveNames(def: Pick<KpiDefinition, 'objective' | 'objectives'>, objectives: readonly WallObjective[]): string[] {
  return kpiLinks(def).map((link) => objectives.find((o) => o.definition.id === link.id)?.definition.name ?? link.id);
}
