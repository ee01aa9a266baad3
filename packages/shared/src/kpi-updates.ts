import type { KpiState, ObjectiveState, SeriesPoint } from './status.ts';
import type { KpiStatePatch, KpiUpdate, ObjectiveStatePatch, SparkPatch } from './protocol.ts';

/** What a client holds of one KPI: its state, its sparkline, and the sequence number of the newest update applied. */
export interface HeldKpi {
  state: KpiState;
  spark: readonly SeriesPoint[];
  /** 0 when it came from a snapshot that gave it no number. */
  seq: number;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // the objects are a KPI's `anomaly` and `projection` and an objective's `troubled` list: numbers, strings, booleans and nulls inside
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The fields (but `id`) of `next` that differ from `prev`, with their new values; a field `next` lacks is given as null. */
function changedFields(prev: object, next: object): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(prev), ...Object.keys(next)])) {
    if (key === 'id') continue;
    const a = (prev as Record<string, unknown>)[key];
    const b = (next as Record<string, unknown>)[key];
    if (!sameValue(a, b)) patch[key] = b ?? null;
  }
  return patch;
}

/** The fields of `next` that differ from `prev`; a field `next` lacks (only `anomaly`, `lowerBound`, `catchingUp` and `projection` may) is sent as null. */
export function diffKpiState(prev: KpiState, next: KpiState): KpiStatePatch {
  return changedFields(prev, next) as KpiStatePatch;
}

/**
 * How an objective's state changed since `prev` (the state a client was last sent): its id
 * and the fields that differ, or null when none does. With no `prev`, every field (an absent
 * `reason` as null): merged over whatever a client holds, it gives `next`.
 */
export function objectivePatch(prev: ObjectiveState | undefined, next: ObjectiveState): ObjectiveStatePatch | null {
  if (!prev) return { ...next, reason: next.reason ?? null };
  const changed = changedFields(prev, next);
  return Object.keys(changed).length === 0 ? null : ({ id: next.id, ...changed } as ObjectiveStatePatch);
}

/** An objective's state after a delta's entry for it: the fields it gives replace those held. */
export function applyObjectivePatch(held: ObjectiveState, patch: ObjectiveStatePatch): ObjectiveState {
  return { ...held, ...patch };
}

/**
 * How `next` continues `prev`: the run of points they share (found by the timestamp of
 * `next`'s first point) and what follows it. Null when a patch would not be smaller than
 * the whole sparkline (nothing shared, or less than half of it).
 */
export function diffSpark(prev: readonly SeriesPoint[], next: readonly SeriesPoint[]): SparkPatch | null {
  if (next.length === 0) return null;
  const first = next[0]![0];
  const drop = prev.findIndex((p) => p[0] === first);
  if (drop < 0) return null;
  let keep = 0;
  while (drop + keep < prev.length && keep < next.length) {
    const a = prev[drop + keep]!;
    const b = next[keep]!;
    if (a[0] !== b[0] || a[1] !== b[1]) break;
    keep += 1;
  }
  if (keep * 2 < next.length) return null;
  return { drop, keep, add: next.slice(keep) };
}

export function applySparkPatch(held: readonly SeriesPoint[], patch: SparkPatch): SeriesPoint[] {
  return [...held.slice(patch.drop, patch.drop + patch.keep), ...patch.add];
}

/**
 * The update from `prev` (the newest one a client was sent, numbered `prevSeq`) to `next`,
 * numbered `seq`: a patch when `prev` holds what it patches, else whole values.
 */
export function kpiUpdate(
  id: string,
  seq: number,
  prev: { seq: number; state: KpiState | undefined; spark: readonly SeriesPoint[] | undefined } | undefined,
  next: { state?: KpiState; spark?: readonly SeriesPoint[] },
): KpiUpdate {
  const patchable = prev !== undefined && (next.state === undefined || prev.state !== undefined);
  if (!patchable) {
    const whole: KpiUpdate = { id, seq };
    if (next.state) whole.state = next.state;
    if (next.spark) whole.spark = [...next.spark];
    return whole;
  }
  const update: KpiUpdate = { id, seq, base: prev.seq };
  if (next.state) update.set = diffKpiState(prev.state!, next.state);
  if (next.spark) {
    const patch = prev.spark ? diffSpark(prev.spark, next.spark) : null;
    if (patch) update.sparkPatch = patch;
    else update.spark = [...next.spark];
  }
  return update;
}

export type ApplyOutcome =
  /** Applied: the KPI as it is now. */
  | { kind: 'applied'; kpi: HeldKpi }
  /** Already held (a repeat, e.g. after a resume): nothing to do. */
  | { kind: 'repeat' }
  /** A patch of an update this client does not hold: it missed something and should resume. */
  | { kind: 'gap' };

/** One KPI update applied to what a client holds of that KPI (undefined: nothing yet). */
export function applyKpiUpdate(held: HeldKpi | undefined, update: KpiUpdate): ApplyOutcome {
  const heldSeq = held?.seq ?? 0;
  if (update.seq <= heldSeq) return { kind: 'repeat' };
  if (update.base !== undefined) {
    if (!held || held.seq !== update.base) return { kind: 'gap' };
    const state = update.set ? ({ ...held.state, ...update.set } as KpiState) : held.state;
    const spark = update.sparkPatch ? applySparkPatch(held.spark, update.sparkPatch) : (update.spark ?? held.spark);
    return { kind: 'applied', kpi: { state, spark, seq: update.seq } };
  }
  const state = update.state ?? held?.state;
  // a whole sparkline for a KPI whose state this client never had: nothing to draw it on yet
  if (!state) return { kind: 'gap' };
  return { kind: 'applied', kpi: { state, spark: update.spark ?? held?.spark ?? [], seq: update.seq } };
}
