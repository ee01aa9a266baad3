import type { KpiState, Objective, SeriesPoint, ServerMessage, WallKpi } from '@northstar/shared';

/**
 * Sparkline points kept per KPI. The server sends a window's worth in the snapshot and
 * appends through deltas; without a bound a wall left on for a week would grow forever.
 */
export const MAX_SPARK_POINTS = 120;

/** Everything the wall shows, as last told by the server. Treated as immutable. */
export interface WallState {
  /** False until the first snapshot; the wall shows a placeholder instead of empty tiles. */
  hasSnapshot: boolean;
  objectives: readonly Objective[];
  /** KPI ids in the order the server listed them. */
  order: readonly string[];
  kpis: ReadonlyMap<string, WallKpi>;
  sparkIntervalMs: number;
  /** Server clock at the newest message, used to correct for browser clock skew. */
  serverTime: number | null;
  serverVersion: string | null;
  protocol: number | null;
}

export const EMPTY_WALL: WallState = {
  hasSnapshot: false,
  objectives: [],
  order: [],
  kpis: new Map(),
  sparkIntervalMs: 0,
  serverTime: null,
  serverVersion: null,
  protocol: null,
};

/** Appends a point in time order: a point for an existing timestamp replaces it, an older unknown one is dropped. */
export function appendSparkPoint(points: readonly SeriesPoint[], point: SeriesPoint, max = MAX_SPARK_POINTS): SeriesPoint[] {
  const last = points[points.length - 1];
  if (last === undefined || point[0] > last[0]) {
    const next = [...points, point];
    return next.length > max ? next.slice(next.length - max) : next;
  }
  const at = points.findIndex((p) => p[0] === point[0]);
  if (at === -1) return [...points];
  const next = [...points];
  next[at] = point;
  return next;
}

function applyDelta(state: WallState, states: readonly KpiState[], spark: ReadonlyArray<{ id: string; point: SeriesPoint }>): WallState {
  // A delta before any snapshot has nothing to patch; the snapshot that follows carries it.
  if (!state.hasSnapshot) return state;
  const kpis = new Map(state.kpis);
  for (const next of states) {
    const current = kpis.get(next.id);
    if (current) kpis.set(next.id, { ...current, state: next });
  }
  for (const { id, point } of spark) {
    const current = kpis.get(id);
    if (current) kpis.set(id, { ...current, spark: appendSparkPoint(current.spark, point) });
  }
  return { ...state, kpis };
}

/** The wall's reducer: returns the state after one server message, never mutating its input. */
export function applyMessage(state: WallState, msg: ServerMessage): WallState {
  switch (msg.type) {
    case 'hello':
      return { ...state, serverTime: msg.serverTime, serverVersion: msg.serverVersion, protocol: msg.protocol };
    case 'snapshot': {
      const kpis = new Map<string, WallKpi>();
      for (const kpi of msg.kpis) {
        const spark = kpi.spark.length > MAX_SPARK_POINTS ? kpi.spark.slice(kpi.spark.length - MAX_SPARK_POINTS) : kpi.spark;
        kpis.set(kpi.definition.id, { ...kpi, spark });
      }
      return {
        ...state,
        hasSnapshot: true,
        objectives: msg.objectives,
        order: msg.kpis.map((k) => k.definition.id),
        kpis,
        sparkIntervalMs: msg.sparkIntervalMs,
        serverTime: msg.serverTime,
      };
    }
    case 'delta':
      return { ...applyDelta(state, msg.states, msg.spark), serverTime: msg.serverTime };
    case 'heartbeat':
      return { ...state, serverTime: msg.serverTime };
  }
}
