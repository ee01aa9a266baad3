import type { KpiDefinition, Objective } from './kpi.ts';
import type { KpiState, SeriesPoint } from './status.ts';

export interface RejectedLine {
  /** 1-based line (NDJSON) or array index + 1 (JSON array). */
  line: number;
  reason: string;
}

export interface IngestResponse {
  accepted: number;
  rejected: RejectedLine[];
}

export interface KpiWithState extends KpiDefinition {
  version: number;
  state: KpiState;
}

export interface KpiListResponse {
  objectives: Objective[];
  kpis: KpiWithState[];
}

/** [epoch ms, target (paced where the target is paced), low, high] in force at that time. */
export type TargetPoint = [number, number | null, number | null, number | null];

export interface SeriesResponse {
  kpi: string;
  from: number;
  to: number;
  stepMs: number;
  points: SeriesPoint[];
  /** The target in force at each point, from the KPI's version history. */
  targets: TargetPoint[];
}

export interface ErrorResponse {
  error: { code: string; message: string; details?: Array<{ field: string; message: string }> };
}
