import type { KpiDefinition, Objective } from './kpi.ts';
import type { KpiState, SeriesPoint } from './status.ts';

/** Bumped on any incompatible change to the messages below. */
export const PROTOCOL_VERSION = 1;

export interface WallKpi {
  definition: KpiDefinition;
  state: KpiState;
  /** The KPI at the end of each of the last 60 slots of its window (one window's length), oldest first. */
  spark: SeriesPoint[];
}

export type ServerMessage =
  | { type: 'hello'; protocol: typeof PROTOCOL_VERSION; serverVersion: string; serverTime: number }
  | { type: 'snapshot'; serverTime: number; objectives: Objective[]; kpis: WallKpi[] }
  /** Only KPIs whose state changed since the last frame; `spark` replaces the whole sparkline of the KPIs listed. */
  | { type: 'delta'; serverTime: number; states: KpiState[]; spark: Array<{ id: string; points: SeriesPoint[] }> }
  | { type: 'heartbeat'; serverTime: number };

export type ServerMessageType = ServerMessage['type'];

export function isServerMessage(value: unknown): value is ServerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'hello' || type === 'snapshot' || type === 'delta' || type === 'heartbeat';
}
