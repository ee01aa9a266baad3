import type { KpiDefinition, Objective } from './kpi.ts';
import type { KpiState, SeriesPoint } from './status.ts';

/** Bumped on any incompatible change to the messages below. */
export const PROTOCOL_VERSION = 1;

export interface WallKpi {
  definition: KpiDefinition;
  state: KpiState;
  spark: SeriesPoint[];
}

export type ServerMessage =
  | { type: 'hello'; protocol: typeof PROTOCOL_VERSION; serverVersion: string; serverTime: number }
  | { type: 'snapshot'; serverTime: number; objectives: Objective[]; kpis: WallKpi[]; sparkIntervalMs: number }
  /** Only KPIs whose state changed since the last frame; `spark` carries points appended since then. */
  | { type: 'delta'; serverTime: number; states: KpiState[]; spark: Array<{ id: string; point: SeriesPoint }> }
  | { type: 'heartbeat'; serverTime: number };

export type ServerMessageType = ServerMessage['type'];

export function isServerMessage(value: unknown): value is ServerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'hello' || type === 'snapshot' || type === 'delta' || type === 'heartbeat';
}
