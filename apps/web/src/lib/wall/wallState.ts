import {
  applyKpiUpdate,
  applyObjectivePatch,
  type Alert,
  type ClientMessage,
  type Goal,
  type KpiUpdate,
  type LiveScope,
  type ObjectiveStatePatch,
  type SeriesPoint,
  type ServerMessage,
  type WallKpi,
  type WallObjective,
} from '@northstar/shared';

/**
 * Sparkline points kept per KPI. The server sends one window's worth (60 points), then
 * patches it; the bound guards against a server that sends more.
 */
export const MAX_SPARK_POINTS = 120;

/** Everything the wall shows, as last told by the server. Treated as immutable. */
export interface WallState {
  /** False until the first snapshot; the wall shows a placeholder instead of empty tiles. */
  hasSnapshot: boolean;
  /** Counts snapshots, which the server sends on connect and whenever the model changes; pages reload on a change. */
  snapshotCount: number;
  /** Objectives in the server's order, each with its rolled-up state. */
  objectives: readonly WallObjective[];
  /** KPI ids in the order the server listed them. */
  order: readonly string[];
  kpis: ReadonlyMap<string, WallKpi>;
  goals: readonly Goal[];
  /** Alerts by key (one per rule, KPI and series), as last told: the snapshot's, each replaced by its newest `alert` message. */
  alerts: ReadonlyMap<string, Alert>;
  /** Server clock at the newest message, used to correct for browser clock skew. */
  serverTime: number | null;
  serverVersion: string | null;
  protocol: number | null;
  /** The server process the sequence numbers below come from (hello `instance`). */
  instance: string | null;
  /** From the newest hello; sent back in `resume` after a reconnect. */
  resumeToken: string | null;
  /** KPI id → sequence number of the newest update applied; an update at or below it is a repeat and is dropped. */
  seqs: ReadonlyMap<string, number>;
  /** The newest sequence number seen on any message (snapshot cursor, delta seqs, alert seq). */
  cursor: number;
  /**
   * A delta patched an update this wall does not hold (it missed one): that KPI stays as it
   * was until a `resume` on the same connection brings what was missed, or a snapshot.
   */
  outOfStep: boolean;
}

export const EMPTY_WALL: WallState = {
  hasSnapshot: false,
  snapshotCount: 0,
  objectives: [],
  order: [],
  kpis: new Map(),
  goals: [],
  alerts: new Map(),
  serverTime: null,
  serverVersion: null,
  protocol: null,
  instance: null,
  resumeToken: null,
  seqs: new Map(),
  cursor: 0,
  outOfStep: false,
};

/** Keeps the newest MAX_SPARK_POINTS points. */
function boundSpark(points: readonly SeriesPoint[]): SeriesPoint[] {
  return points.length > MAX_SPARK_POINTS ? points.slice(points.length - MAX_SPARK_POINTS) : [...points];
}

/** A delta lists only the objectives whose state changed, each with only the fields that changed: merged over what is held. */
function applyObjectiveStates(objectives: readonly WallObjective[], patches: readonly ObjectiveStatePatch[]): readonly WallObjective[] {
  if (patches.length === 0) return objectives;
  const byId = new Map(patches.map((p) => [p.id, p]));
  // Unchanged objectives keep their identity so their headers do not re-render.
  return objectives.map((o) => {
    const patch = byId.get(o.definition.id);
    return patch ? { ...o, state: applyObjectivePatch(o.state, patch) } : o;
  });
}

function applyDelta(
  state: WallState,
  updates: readonly KpiUpdate[],
  objectives: readonly ObjectiveStatePatch[],
  replay: boolean,
): WallState {
  // A delta before any snapshot has nothing to patch; the snapshot that follows carries it.
  if (!state.hasSnapshot) return state;
  let kpis: Map<string, WallKpi> | null = null;
  let seqs: Map<string, number> | null = null;
  let cursor = state.cursor;
  // a replay answers the resume that a missed update asked for
  let outOfStep = state.outOfStep && !replay;
  for (const update of updates) {
    cursor = Math.max(cursor, update.seq);
    const current = (kpis ?? state.kpis).get(update.id);
    // A KPI the snapshot did not define has no tile to update.
    if (!current) continue;
    const held = { state: current.state, spark: current.spark, seq: (seqs ?? state.seqs).get(update.id) ?? 0 };
    const outcome = applyKpiUpdate(held, update);
    if (outcome.kind === 'gap') outOfStep = true;
    if (outcome.kind !== 'applied') continue;
    kpis ??= new Map(state.kpis);
    seqs ??= new Map(state.seqs);
    kpis.set(update.id, { ...current, state: outcome.kpi.state, spark: boundSpark(outcome.kpi.spark) });
    seqs.set(update.id, outcome.kpi.seq);
  }
  return {
    ...state,
    kpis: kpis ?? state.kpis,
    seqs: seqs ?? state.seqs,
    objectives: applyObjectiveStates(state.objectives, objectives),
    cursor,
    outOfStep,
  };
}

/**
 * What to send after a reconnect so the server replays only what was missed: the token of
 * the previous connection and the newest sequence number applied per KPI. Null when there is
 * nothing to resume (no token yet, or no snapshot to patch); the server then sends a snapshot.
 * `scope` replaces what the previous connection subscribed to.
 */
export function resumeMessage(state: WallState, scope?: LiveScope): Extract<ClientMessage, { type: 'resume' }> | null {
  if (state.resumeToken === null || !state.hasSnapshot) return null;
  const msg: Extract<ClientMessage, { type: 'resume' }> = {
    type: 'resume',
    token: state.resumeToken,
    seqs: Object.fromEntries(state.seqs),
    cursor: state.cursor,
  };
  if (scope) msg.scope = scope;
  return msg;
}

/**
 * The wall's reducer: returns the state after one server message, never mutating its input.
 * A milestone changes no tile (the celebration is kept apart, see Celebration.svelte.ts); it
 * only advances the server clock.
 */
export function applyMessage(state: WallState, msg: ServerMessage): WallState {
  switch (msg.type) {
    case 'hello': {
      const instance = msg.instance ?? null;
      // Sequence numbers are only comparable within one server process: a new one starts afresh.
      const sameInstance = instance !== null && instance === state.instance;
      return {
        ...state,
        serverTime: msg.serverTime,
        serverVersion: msg.serverVersion,
        protocol: msg.protocol,
        instance,
        resumeToken: msg.resumeToken ?? null,
        seqs: sameInstance ? state.seqs : new Map(),
        cursor: sameInstance ? state.cursor : 0,
      };
    }
    case 'snapshot': {
      const kpis = new Map<string, WallKpi>();
      for (const kpi of msg.kpis) {
        kpis.set(kpi.definition.id, { ...kpi, spark: boundSpark(kpi.spark) });
      }
      return {
        ...state,
        hasSnapshot: true,
        snapshotCount: state.snapshotCount + 1,
        objectives: msg.objectives,
        order: msg.kpis.map((k) => k.definition.id),
        kpis,
        // Older servers may leave goals out; the wall does not need them to draw tiles.
        goals: msg.goals ?? [],
        // Protocol 3; a protocol-2 server sends none, which means none are known.
        alerts: new Map((msg.alerts ?? []).map((a) => [a.key, a])),
        serverTime: msg.serverTime,
        // A snapshot replaces everything, its sequence numbers too.
        seqs: new Map(Object.entries(msg.seqs ?? {})),
        cursor: msg.cursor ?? 0,
        outOfStep: false,
      };
    }
    case 'delta':
      return { ...applyDelta(state, msg.kpis, msg.objectives, msg.replay === true), serverTime: msg.serverTime };
    case 'alert': {
      // The message carries the whole alert in its newest state: it replaces the one kept under its key.
      const alerts = new Map(state.alerts);
      alerts.set(msg.alert.key, msg.alert);
      return { ...state, alerts, serverTime: msg.serverTime, cursor: Math.max(state.cursor, msg.seq ?? 0) };
    }
    case 'milestone':
    case 'heartbeat':
      return { ...state, serverTime: msg.serverTime };
  }
}
