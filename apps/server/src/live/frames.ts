import type { KpiSeqs, KpiState, ObjectiveState, SeriesPoint, ServerMessage } from '@northstar/shared';

/** One KPI's changes since the last frame: the newest state and/or sparkline, and its sequence number. */
export interface PendingUpdate {
  id: string;
  seq: number;
  state: KpiState | undefined;
  spark: SeriesPoint[] | undefined;
}

export interface BuiltFrame {
  /** The serialised delta (encoded once, shared by every client it goes to), or null when nothing in it concerns this scope. */
  frame: Buffer | null;
  /** The lowest sequence number in it: a client that already has this one needs its own frame. */
  minSeq: number;
}

export interface DeltaOptions {
  /** Only these KPIs; all when undefined. */
  ids?: ReadonlySet<string>;
  /** Leave out updates at or below this sequence number. */
  floor?: number;
  /** The answer to a resume: marked, and sent even when empty so the client knows it is up to date. */
  replay?: boolean;
  nowMs?: number;
}

/**
 * A delta frame for one scope, leaving out updates at or below `floor`. Objective states
 * go to every scope: there are few, and a board shows the objectives its KPIs roll up into.
 */
export function buildDelta(updates: readonly PendingUpdate[], objectives: readonly ObjectiveState[], opts: DeltaOptions = {}): BuiltFrame {
  const { ids, floor = 0, replay = false, nowMs = Date.now() } = opts;
  const states: KpiState[] = [];
  const spark: Array<{ id: string; points: SeriesPoint[] }> = [];
  const seqs: KpiSeqs = {};
  let minSeq = Infinity;
  for (const u of updates) {
    if (u.seq <= floor || (ids && !ids.has(u.id))) continue;
    if (u.state) states.push(u.state);
    if (u.spark) spark.push({ id: u.id, points: u.spark });
    seqs[u.id] = u.seq;
    if (u.seq < minSeq) minSeq = u.seq;
  }
  if (!replay && states.length === 0 && spark.length === 0 && objectives.length === 0) return { frame: null, minSeq };
  const message: ServerMessage = { type: 'delta', serverTime: nowMs, states, objectives: [...objectives], spark, seqs };
  if (replay) message.replay = true;
  return { frame: Buffer.from(JSON.stringify(message)), minSeq };
}
