import { z } from 'zod';
import { METRIC_PATTERN } from './event.ts';

export const AGGREGATIONS = ['sum', 'count', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99', 'rate'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const STATUSES = ['on_track', 'at_risk', 'off_track', 'no_data'] as const;
export type KpiStatusName = (typeof STATUSES)[number];

const ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const idField = z.string().regex(ID_PATTERN, 'must be 1-64 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit');

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+)(s|m|h|d)$/;

/** "5m" → 300000. Returns undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * DURATION_UNITS_MS[m[2] as keyof typeof DURATION_UNITS_MS];
}

/** Windows are bounded so in-memory state stays bounded: at least 10 s, at most 31 days. */
export const WINDOW_MIN_MS = 10_000;
export const WINDOW_MAX_MS = 31 * 86_400_000;

const windowField = z.string().refine((w) => {
  const ms = parseDurationMs(w);
  return ms !== undefined && ms >= WINDOW_MIN_MS && ms <= WINDOW_MAX_MS;
}, 'must be a rolling window like "30s", "5m", "1h" or "7d", between 10s and 31d');

/** A threshold is an absolute value (120) or a share of the target ("90%"). */
const thresholdField = z.union([
  z.number().refine(Number.isFinite, 'must be a finite number'),
  z.string().regex(/^\d+(\.\d+)?%$/, 'must be a number or a percentage of the target like "90%"'),
]);
export type Threshold = z.infer<typeof thresholdField>;

export const ObjectiveSchema = z.strictObject({
  id: idField,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  owner: z.string().max(200).optional(),
  period: z.string().max(32).optional(),
});
export type Objective = z.infer<typeof ObjectiveSchema>;

export const KpiSchema = z.strictObject({
  id: idField,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  unit: z.string().max(32).default(''),
  owner: z.string().max(200).optional(),
  team: z.string().max(100).optional(),
  objective: idField,
  metric: z.string().max(128).regex(METRIC_PATTERN, 'must be a metric name of a-z, 0-9, "_", "." and "-"'),
  aggregation: z.enum(AGGREGATIONS),
  window: windowField,
  direction: z.enum(DIRECTIONS).default('higher_is_better'),
  target: z.number().refine(Number.isFinite, 'must be a finite number'),
  warning: thresholdField.optional(),
  critical: thresholdField.optional(),
  /** No event for this long and the tile says "stale"; defaults from the window (see staleAfterMs). */
  staleAfter: z
    .string()
    .refine((d) => parseDurationMs(d) !== undefined, 'must be a duration like "90s", "10m" or "2h"')
    .optional(),
});
export type KpiDefinition = z.infer<typeof KpiSchema>;

export const NorthstarConfigSchema = z.strictObject({
  objectives: z.array(ObjectiveSchema).min(1, 'at least one objective is needed').max(500),
  kpis: z.array(KpiSchema).max(5000),
});
export type NorthstarConfig = z.infer<typeof NorthstarConfigSchema>;

/** What the evaluator and the wall see: the defaults resolved, the window in ms. */
export interface ResolvedKpi extends KpiDefinition {
  windowMs: number;
  warningValue: number;
  criticalValue: number;
}

/** Defaults for unset thresholds: a little slack before "at risk", more before "off track". */
const DEFAULT_THRESHOLDS: Record<Direction, { warning: number; critical: number }> = {
  higher_is_better: { warning: 0.9, critical: 0.75 },
  lower_is_better: { warning: 1.1, critical: 1.25 },
};

export function resolveThreshold(t: Threshold | undefined, target: number, fallbackShare: number): number {
  if (t === undefined) return target * fallbackShare;
  if (typeof t === 'number') return t;
  return (target * Number.parseFloat(t)) / 100;
}

export function resolveKpi(kpi: KpiDefinition): ResolvedKpi {
  const defaults = DEFAULT_THRESHOLDS[kpi.direction];
  return {
    ...kpi,
    windowMs: parseDurationMs(kpi.window) ?? WINDOW_MIN_MS,
    warningValue: resolveThreshold(kpi.warning, kpi.target, defaults.warning),
    criticalValue: resolveThreshold(kpi.critical, kpi.target, defaults.critical),
  };
}

/**
 * How long without an event before a KPI's tile turns stale: set per KPI, or a twelfth
 * of its window between a minute and an hour, so a quiet hourly KPI does not flicker
 * stale between its events while a busy 5-minute one goes grey within a minute.
 */
export function staleAfterMs(kpi: Pick<KpiDefinition, 'window' | 'staleAfter'>): number {
  const explicit = kpi.staleAfter === undefined ? undefined : parseDurationMs(kpi.staleAfter);
  if (explicit !== undefined) return explicit;
  const windowMs = parseDurationMs(kpi.window) ?? WINDOW_MIN_MS;
  return Math.min(3_600_000, Math.max(60_000, windowMs / 12));
}
