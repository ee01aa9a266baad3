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
  state: KpiState;
}

export interface KpiListResponse {
  objectives: Objective[];
  kpis: KpiWithState[];
}

export interface SeriesResponse {
  kpi: string;
  from: number;
  to: number;
  stepMs: number;
  points: SeriesPoint[];
}

export interface ErrorResponse {
  error: { code: string; message: string; details?: Array<{ field: string; message: string }> };
}
