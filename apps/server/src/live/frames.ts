import { objectivePatch, type KpiUpdate, type ObjectiveState, type ObjectiveStatePatch } from '@northstar/shared';
import type { JournalEntry } from './journal.ts';

/** One KPI's update, serialised once per frame interval however many frames it goes into. */
export interface EncodedUpdate {
  id: string;
  json: string;
}

export function encodeUpdate(update: KpiUpdate): EncodedUpdate {
  return { id: update.id, json: JSON.stringify(update) };
}

/** The newest update of a KPI as whole values, for a client that holds nothing it could patch (a replay, a new subscription). */
export function wholeUpdate(entry: JournalEntry): EncodedUpdate {
  const update: KpiUpdate = { id: entry.id, seq: entry.seq };
  if (entry.state) update.state = entry.state;
  if (entry.spark) update.spark = entry.spark;
  return encodeUpdate(update);
}

export interface DeltaOptions {
  /** Only these KPIs; all when null or undefined. */
  ids?: ReadonlySet<string> | null;
  /** The answer to a resume: marked, and sent even when empty so the client knows it is up to date. */
  replay?: boolean;
  nowMs?: number;
}

/**
 * A delta frame for one scope, assembled from updates serialised beforehand, as a Buffer:
 * encoded once and shared by every client with that scope (a lagging client holds a
 * reference, not a copy). Null when nothing in it concerns the scope. Objective states go
 * to every scope: there are few, and a board shows the objectives its KPIs roll up into.
 */
export function buildDelta(updates: readonly EncodedUpdate[], objectivesJson: string, opts: DeltaOptions = {}): Buffer | null {
  const { ids, replay = false, nowMs = Date.now() } = opts;
  const parts: string[] = [];
  for (const u of updates) if (!ids || ids.has(u.id)) parts.push(u.json);
  if (!replay && parts.length === 0 && objectivesJson === '[]') return null;
  const tail = replay ? ',"replay":true}' : '}';
  return Buffer.from(`{"type":"delta","serverTime":${nowMs},"kpis":[${parts.join(',')}],"objectives":${objectivesJson}${tail}`);
}

export function encodeObjectives(objectives: readonly ObjectiveStatePatch[]): string {
  return JSON.stringify(objectives);
}

/** Objective states with every field, for a client whose copy may be older than any patch (a catch-up, a replay). */
export function wholeObjectives(states: Iterable<ObjectiveState>): ObjectiveStatePatch[] {
  return [...states].map((s) => objectivePatch(undefined, s)!);
}
