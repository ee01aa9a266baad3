import type { Goal, KpiDefinition, Objective } from './kpi.ts';
import type { KpiState, ObjectiveState, SeriesPoint } from './status.ts';
import type { Milestone } from './feedback.ts';
import type { Alert } from './alerts.ts';

/** Bumped on any incompatible change to the messages below. */
export const PROTOCOL_VERSION = 3;

export interface WallKpi {
  definition: KpiDefinition;
  state: KpiState;
  /** The KPI at the end of each of the last 60 slots of its window (one window's length), oldest first. */
  spark: SeriesPoint[];
}

export interface WallObjective {
  definition: Objective;
  state: ObjectiveState;
}

export type ServerMessage =
  | { type: 'hello'; protocol: typeof PROTOCOL_VERSION; serverVersion: string; serverTime: number }
  /** Everything, on connect and whenever the model (objectives, KPIs, goals) changes. */
  | { type: 'snapshot'; serverTime: number; objectives: WallObjective[]; kpis: WallKpi[]; goals: Goal[]; alerts: Alert[] }
  /** Only what changed since the last frame; `spark` replaces the whole sparkline of the KPIs listed. */
  | {
      type: 'delta';
      serverTime: number;
      states: KpiState[];
      objectives: ObjectiveState[];
      spark: Array<{ id: string; points: SeriesPoint[] }>;
    }
  /** A KPI reached its target, or an objective 100 %, for the first time in a period. */
  | { type: 'milestone'; serverTime: number; milestone: Milestone }
  /** An alert changed state, was acknowledged, silenced or given feedback; the whole alert, newest state. */
  | { type: 'alert'; serverTime: number; alert: Alert }
  | { type: 'heartbeat'; serverTime: number };

export type ServerMessageType = ServerMessage['type'];

export function isServerMessage(value: unknown): value is ServerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'hello' || type === 'snapshot' || type === 'delta' || type === 'milestone' || type === 'alert' || type === 'heartbeat';
}
