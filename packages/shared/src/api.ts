import type { KpiDefinition, Objective } from './kpi.ts';
import type { KpiState, SeriesPoint } from './status.ts';
import type { KpiHealth } from './status-model.ts';

export interface RejectedLine {
  /** 1-based line (NDJSON) or array index + 1 (JSON array). */
  line: number;
  reason: string;
}

/** The answer to POST /api/v1/events: 202 when something was accepted, 400 (with `error`) when nothing was. */
export interface IngestResponse {
  accepted: number;
  /** The rejected lines, in line order, at most 1 000 of them (every one is kept in rejected_events). */
  rejected: RejectedLine[];
  /** How many lines were rejected, when there were more than the list holds. */
  rejectedTotal?: number;
  /** Accepted events whose id was already stored: not stored or counted again. */
  duplicates?: number;
  /** The Idempotency-Key was already stored by this process: nothing was stored again. */
  duplicate?: boolean;
}

/** The 400 answer to POST /api/v1/events when no event was accepted: the counts, and why. */
export interface IngestRefusal extends IngestResponse {
  error: { code: 'nothing_accepted'; message: string };
}

export interface KpiWithState extends KpiDefinition {
  version: number;
  state: KpiState;
  /** The status the KPI is shown with: its measured status and its firing alerts (status-model.ts). */
  health: KpiHealth;
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
  /** Asked for with `compare=previous,last_year`: those periods' values at this series' timestamps. */
  comparison?: SeriesComparison;
}

/**
 * Earlier periods laid onto the requested range: each point carries a timestamp of the
 * requested series and the value the KPI had at the matching time back then.
 */
export interface SeriesComparison {
  /** The range of the same length just before the requested one. */
  previous?: SeriesPoint[];
  /** The same local dates and times one year earlier, in the KPI's time zone. */
  lastYear?: SeriesPoint[];
}

/** GET /api/v1/kpis/:id/dimensions: the dimensions the KPI's events carry over a range, most used first. */
export interface DimensionsResponse {
  kpi: string;
  from: number;
  to: number;
  /** Events of the KPI's metric(s) in the range. */
  events: number;
  /** Each dimension name with how many of those events carry it. */
  dimensions: Array<{ name: string; events: number }>;
}

export interface BreakdownGroup {
  /** The dimension's value. */
  value: string;
  /** The KPI's aggregation over the range for this value's events. */
  total: number | null;
}

export interface BreakdownResponse {
  kpi: string;
  dim: string;
  from: number;
  to: number;
  /** The top groups by total, largest first. */
  groups: BreakdownGroup[];
  /** The KPI's aggregation over every event outside the top groups (including events without the dimension); null when there are none. */
  other: number | null;
  /** With `step`: each top group's series, in the order of `groups`. */
  stepMs?: number;
  series?: Array<{ value: string; points: SeriesPoint[] }>;
}

/** One row of an export: the KPI's value and the target in force at a time. */
export interface ExportRow {
  ts: string;
  value: number | null;
  target: number | null;
  low: number | null;
  high: number | null;
}

export interface ExportResponse {
  kpi: string;
  name: string;
  unit: string | null;
  from: string;
  to: string;
  stepMs: number;
  rows: ExportRow[];
}

/** One thing a request got wrong: the field's path (e.g. `targets.0.value`) and what was wrong with it. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface ErrorResponse {
  error: { code: string; message: string; details?: FieldProblem[] };
}

/** One entry of a definition's history (GET /api/v1/<kind>/:id/history): who, when, what, why; a deletion has no definition. */
export interface DefinitionVersion<T> {
  version: number;
  op: 'upsert' | 'delete';
  author: string;
  reason: string;
  changedAt: number;
  definition: T | null;
}
