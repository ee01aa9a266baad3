import { targetInForce, type KpiDefinition, type TargetPoint } from '@northstar/shared';
import type { VersionRow } from '../store/model-repo.ts';

/**
 * The definition in force at each time: the newest version changed at or before it.
 * Before a KPI's first version its first definition stands in, so history imported
 * with the KPI still shows a target.
 */
export function targetTimeline(versions: readonly VersionRow[], times: readonly number[]): TargetPoint[] {
  const defs = versions.map((v) => ({ at: v.changedAt, def: v.body ? (JSON.parse(v.body) as KpiDefinition) : null }));
  let i = 0;
  return times.map((ts) => {
    while (i + 1 < defs.length && (defs[i + 1] as { at: number }).at <= ts) i++;
    const def = defs[i]?.def ?? null;
    if (!def) return [ts, null, null, null];
    const t = targetInForce(def, ts);
    return [ts, t.expected ?? t.target, t.low, t.high];
  });
}
