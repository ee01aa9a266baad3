import type { KpiState, Objective, SeriesPoint, ServerMessage, WallKpi } from '@northstar/shared';

/**
 * Sparkline points kept per KPI. The server sends one window's worth (60 points) and
 * replaces it whole; the bound guards against a server that sends more.
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
  serverTime: null,
  serverVersion: null,
  protocol: null,
};

/** Keeps the newest MAX_SPARK_POINTS points. */
function boundSpark(points: readonly SeriesPoint[]): SeriesPoint[] {
  return points.length > MAX_SPARK_POINTS ? points.slice(points.length - MAX_SPARK_POINTS) : [...points];
}

function applyDelta(state: WallState, states: readonly KpiState[], spark: ReadonlyArray<{ id: string; points: SeriesPoint[] }>): WallState {
  // A delta before any snapshot has nothing to patch; the snapshot that follows carries it.
  if (!state.hasSnapshot) return state;
  const kpis = new Map(state.kpis);
  for (const next of states) {
    const current = kpis.get(next.id);
    if (current) kpis.set(next.id, { ...current, state: next });
  }
  for (const { id, points } of spark) {
    const current = kpis.get(id);
    if (current) kpis.set(id, { ...current, spark: boundSpark(points) });
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
        kpis.set(kpi.definition.id, { ...kpi, spark: boundSpark(kpi.spark) });
      }
      return {
        ...state,
        hasSnapshot: true,
        objectives: msg.objectives,
        order: msg.kpis.map((k) => k.definition.id),
        kpis,
        serverTime: msg.serverTime,
      };
    }
    case 'delta':
      return { ...applyDelta(state, msg.states, msg.spark), serverTime: msg.serverTime };
    case 'heartbeat':
      return { ...state, serverTime: msg.serverTime };
  }
}
