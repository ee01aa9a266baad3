import { z } from 'zod';
import { METRIC_PATTERN } from './event.ts';
import { DetectionSchema } from './detection.ts';
import { AlertRuleSchema } from './alerts.ts';
import { AppChannelSchema, AppRouteSchema } from './notification-channels.ts';
import { idField, labelText, parseDurationMs, proseText } from './primitives.ts';

export const AGGREGATIONS = ['sum', 'count', 'avg', 'min', 'max', 'p50', 'p90', 'p95', 'p99', 'rate', 'distinct_count'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const DIRECTIONS = ['higher_is_better', 'lower_is_better', 'within_range'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const STATUSES = ['on_track', 'at_risk', 'off_track', 'no_data', 'no_target'] as const;
export type KpiStatusName = (typeof STATUSES)[number];

export const LEVELS = ['organisation', 'department', 'team', 'individual'] as const;
export type Level = (typeof LEVELS)[number];

export const ROLLUP_RULES = ['weighted_average', 'weakest'] as const;
export type RollupRule = (typeof ROLLUP_RULES)[number];

export const REVIEW_CADENCES = ['weekly', 'monthly', 'quarterly'] as const;
export type ReviewCadence = (typeof REVIEW_CADENCES)[number];

/** Calendar windows run from the start of the period (in the KPI's time zone) to now. */
export const CALENDAR_WINDOWS = ['today', 'week_to_date', 'month_to_date', 'quarter_to_date'] as const;
export type CalendarWindow = (typeof CALENDAR_WINDOWS)[number];

export { idField, parseDurationMs } from './primitives.ts';

/** Windows are bounded so in-memory state stays bounded: at least 10 s, at most 31 days. */
export const WINDOW_MIN_MS = 10_000;
export const WINDOW_MAX_MS = 31 * 86_400_000;

export function isCalendarWindow(window: string): window is CalendarWindow {
  return (CALENDAR_WINDOWS as readonly string[]).includes(window);
}

const windowField = z
  .string()
  .max(32, 'must be at most 32 characters')
  .refine((w) => {
    if (isCalendarWindow(w)) return true;
    const ms = parseDurationMs(w);
    return ms !== undefined && ms >= WINDOW_MIN_MS && ms <= WINDOW_MAX_MS;
  }, 'must be a rolling window like "30s", "5m", "1h" or "7d" (10s to 31d), or one of today, week_to_date, month_to_date, quarter_to_date');

const finite = (what = 'must be a finite number') => z.number().refine(Number.isFinite, what);

/** A threshold is an absolute value (120) or a share of the target ("90%"). */
const thresholdField = z.union([finite(), z.string().regex(/^\d+(\.\d+)?%$/, 'must be a number or a percentage of the target like "90%"')]);
export type Threshold = z.infer<typeof thresholdField>;

const text = (max: number) => labelText(max);
const prose = (max: number) => proseText(max);
const name = labelText(200, 1);
const DIM_KEY = /^[A-Za-z0-9_.-]{1,64}$/;
/** Dimension filters a KPI may have, the same bound as the dims of one event. */
const MAX_FILTER_DIMS = 32;
const dimKey = z.string().regex(DIM_KEY, 'must be a dimension name of letters, digits, "_", "." or "-"');
const metricName = z.string().max(128).regex(METRIC_PATTERN, 'must be a metric name of a-z, 0-9, "_", "." and "-"');

/** "2026-Q4", "2026-11" or "2026": the period a target or objective is for. */
export const PERIOD_PATTERN = /^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$/;
const periodField = z.string().regex(PERIOD_PATTERN, 'must be a period like "2026", "2026-Q4" or "2026-11"');

const timezoneField = z
  .string()
  .max(64, 'must be at most 64 characters')
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone like "UTC" or "Europe/Berlin"');

/**
 * An objective's review digest, kept in the versioned model (apps/server/src/digest/): whether
 * it is sent, how often, and who gets it besides the owners of the objective, its KPIs and
 * their goals. Addresses stay in the config file (notifications.digests.people).
 */
export const ObjectiveDigestSchema = z.strictObject({
  /** false: no scheduled digest for this objective (the preview still works). */
  enabled: z.boolean().default(true),
  /** How often it is sent; the objective's review cadence (or weekly) when unset. */
  cadence: z.enum(REVIEW_CADENCES).optional(),
  /** People who get it besides the owners, by the names owner fields use. */
  subscribers: z.array(labelText(200, 1)).max(100).optional(),
});
export type ObjectiveDigest = z.infer<typeof ObjectiveDigestSchema>;

export const ObjectiveSchema = z.strictObject({
  id: idField,
  name,
  description: prose(2000).optional(),
  level: z.enum(LEVELS).default('organisation'),
  owner: text(200).optional(),
  period: periodField.optional(),
  /** The objective this one serves; the tree's edges. */
  parent: idField.optional(),
  /** How attainment rolls up from KPIs and child objectives. */
  rollup: z.enum(ROLLUP_RULES).default('weighted_average'),
  review: z.enum(REVIEW_CADENCES).optional(),
  /** Its review digest; owners get a weekly (or review-cadence) digest when unset. */
  digest: ObjectiveDigestSchema.optional(),
});
export type Objective = z.infer<typeof ObjectiveSchema>;

/** One aggregation over one metric, optionally filtered by dimensions. */
export const MeasureSchema = z.strictObject({
  metric: metricName,
  aggregation: z.enum(AGGREGATIONS),
  filter: z
    .record(dimKey, text(256))
    .refine((f) => Object.keys(f).length <= MAX_FILTER_DIMS, `must have at most ${MAX_FILTER_DIMS} dimensions`)
    .optional(),
  /** For distinct_count: the dimension whose distinct values are counted. */
  distinctBy: dimKey.optional(),
});
export type Measure = z.infer<typeof MeasureSchema>;

export const ObjectiveLinkSchema = z.strictObject({
  id: idField,
  /** Contribution weight in the objective's roll-up. */
  weight: z.number().positive('must be more than 0').max(1000).default(1),
});
export type ObjectiveLink = z.infer<typeof ObjectiveLinkSchema>;

/** A target for one period, optionally phased by month and paced within the period. */
export const PeriodTargetSchema = z.strictObject({
  period: periodField,
  value: finite().optional(),
  low: finite().optional(),
  high: finite().optional(),
  /** Month ("2026-11") → target for that month, for a quarter or year that is not flat. */
  monthly: z
    .record(z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month like "2026-11"'), finite())
    .refine((m) => Object.keys(m).length <= 120, 'must have at most 120 months')
    .optional(),
  /** For calendar windows: where the KPI should be by now. linear = in proportion to time elapsed. */
  pacing: z.enum(['none', 'linear']).default('none'),
});
export type PeriodTarget = z.infer<typeof PeriodTargetSchema>;

const kpiFields = {
  id: idField,
  name,
  description: prose(2000).optional(),
  unit: text(32).optional(),
  owner: text(200).optional(),
  team: text(100).optional(),
  tags: z.array(text(40)).max(20).optional(),
  /** Shorthand for one objective link with weight 1. */
  objective: idField.optional(),
  objectives: z.array(ObjectiveLinkSchema).max(20).optional(),
  metric: metricName.optional(),
  aggregation: z.enum(AGGREGATIONS).optional(),
  filter: z
    .record(dimKey, text(256))
    .refine((f) => Object.keys(f).length <= MAX_FILTER_DIMS, `must have at most ${MAX_FILTER_DIMS} dimensions`)
    .optional(),
  distinctBy: dimKey.optional(),
  /** numerator / denominator × scale, e.g. orders / sessions × 100 for a conversion in %. */
  ratio: z.strictObject({ numerator: MeasureSchema, denominator: MeasureSchema, scale: finite().default(1) }).optional(),
  window: windowField,
  timezone: timezoneField.default('UTC'),
  direction: z.enum(DIRECTIONS).default('higher_is_better'),
  /** The target when no period target applies. */
  target: finite().optional(),
  /** For within_range: the band that counts as on track. */
  low: finite().optional(),
  high: finite().optional(),
  targets: z.array(PeriodTargetSchema).max(100).optional(),
  warning: thresholdField.optional(),
  critical: thresholdField.optional(),
  review: z.enum(REVIEW_CADENCES).optional(),
  /** Anomaly detection settings; unset = on, medium sensitivity, the KPI's bad direction. */
  detection: DetectionSchema.optional(),
  /** No event for this long and the tile says "stale"; defaults from the window (see staleAfterMs). */
  staleAfter: z
    .string()
    .max(32, 'must be at most 32 characters')
    .refine((d) => parseDurationMs(d) !== undefined, 'must be a duration like "90s", "10m" or "2h"')
    .optional(),
};

/** Aggregations that count events or values: never below zero. */
const COUNTING: ReadonlySet<string> = new Set(['count', 'distinct_count']);

/**
 * A counting KPI (count, distinct_count) is never negative, so a negative target or absolute
 * threshold could never be reached or crossed: refused, naming the field, rather than saved and
 * silently meaningless. Shared by the server's schema and the editor form.
 */
export function negativeCountProblems(k: {
  aggregation?: string | undefined;
  ratio?: unknown;
  target?: number | undefined;
  warning?: number | string | undefined;
  critical?: number | string | undefined;
}): Array<{ path: string[]; message: string }> {
  if (k.ratio || k.aggregation === undefined || !COUNTING.has(k.aggregation)) return [];
  const out: Array<{ path: string[]; message: string }> = [];
  for (const field of ['target', 'warning', 'critical'] as const) {
    const v = k[field];
    if (typeof v === 'number' && v < 0) out.push({ path: [field], message: `must be 0 or more: a ${k.aggregation} is never negative` });
  }
  return out;
}

export const KpiSchema = z.strictObject(kpiFields).superRefine((k, ctx) => {
  const simple = k.metric !== undefined || k.aggregation !== undefined;
  if (k.ratio && simple)
    ctx.addIssue({ code: 'custom', path: ['ratio'], message: 'a KPI has either metric + aggregation or a ratio, not both' });
  if (!k.ratio && k.metric === undefined) ctx.addIssue({ code: 'custom', path: ['metric'], message: 'is required (or give a ratio)' });
  if (!k.ratio && k.aggregation === undefined)
    ctx.addIssue({ code: 'custom', path: ['aggregation'], message: 'is required (or give a ratio)' });
  const measures = k.ratio ? [k.ratio.numerator, k.ratio.denominator] : [{ aggregation: k.aggregation, distinctBy: k.distinctBy }];
  measures.forEach((m, i) => {
    if (m.aggregation === 'distinct_count' && !m.distinctBy) {
      const path = k.ratio ? ['ratio', i === 0 ? 'numerator' : 'denominator', 'distinctBy'] : ['distinctBy'];
      ctx.addIssue({ code: 'custom', path, message: 'is required for distinct_count: the dimension whose values are counted' });
    }
  });
  if (k.direction === 'within_range') {
    const ranged =
      (k.low !== undefined && k.high !== undefined) || (k.targets ?? []).some((t) => t.low !== undefined && t.high !== undefined);
    if (!ranged)
      ctx.addIssue({ code: 'custom', path: ['low'], message: 'within_range needs low and high (on the KPI or a period target)' });
  }
  if (k.low !== undefined && k.high !== undefined && k.low > k.high)
    ctx.addIssue({ code: 'custom', path: ['low'], message: 'must not be above high' });
  for (const problem of negativeCountProblems(k)) ctx.addIssue({ code: 'custom', ...problem });
  const periods = new Set<string>();
  (k.targets ?? []).forEach((t, i) => {
    if (periods.has(t.period)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'period'], message: `duplicate period "${t.period}"` });
    periods.add(t.period);
  });
});
export type KpiDefinition = z.infer<typeof KpiSchema>;
export type KpiInput = z.input<typeof KpiSchema>;

/** A person's goal under a team KPI; progress comes from their check-ins. */
/** A named arrangement of tiles for a wall or a TV: which KPIs, in what order, and how long it shows in a rotation. */
export const BoardSchema = z.strictObject({
  id: idField,
  name,
  description: prose(2000).optional(),
  /** Tiles in order; empty = every KPI. */
  kpis: z
    .array(idField)
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, 'lists a KPI twice')
    .default([]),
  /** Seconds this board stays on screen when TV mode rotates through a playlist. */
  rotateSeconds: z.number().int().min(5).max(3600).default(30),
});
export type Board = z.infer<typeof BoardSchema>;

export const GoalSchema = z.strictObject({
  id: idField,
  name,
  description: prose(2000).optional(),
  owner: labelText(200, 1, 'an individual goal needs an owner'),
  kpi: idField,
  target: finite().optional(),
  unit: text(32).optional(),
  due: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-31')
    .optional(),
});
export type Goal = z.infer<typeof GoalSchema>;

export const NorthstarConfigSchema = z.strictObject({
  objectives: z.array(ObjectiveSchema).max(500).default([]),
  kpis: z.array(KpiSchema).max(5000).default([]),
  goals: z.array(GoalSchema).max(20000).default([]),
  /** Alert rules; see alerts.ts. */
  rules: z.array(AlertRuleSchema).max(2000).default([]),
  boards: z.array(BoardSchema).max(500).default([]),
  /** Notification channels made in the app (secrets encrypted at rest; an export shows none). */
  channels: z.array(AppChannelSchema).max(100).default([]),
  /** Notification routes made in the app; they may name channels of the config file too. */
  routes: z.array(AppRouteSchema).max(100).default([]),
});
export type NorthstarConfig = z.infer<typeof NorthstarConfigSchema>;

/** The objectives a KPI contributes to, with weights; `objective` is shorthand for one at weight 1. */
export function kpiLinks(kpi: Pick<KpiDefinition, 'objective' | 'objectives'>): ObjectiveLink[] {
  if (kpi.objectives && kpi.objectives.length > 0) return kpi.objectives;
  return kpi.objective ? [{ id: kpi.objective, weight: 1 }] : [];
}

/** The objective a KPI's tile is shown under on the wall: its first link. */
export function primaryObjective(kpi: Pick<KpiDefinition, 'objective' | 'objectives'>): string | undefined {
  return kpiLinks(kpi)[0]?.id;
}

/** The measures a KPI reads: one, or a ratio's two. */
export function kpiMeasures(kpi: KpiDefinition): Measure[] {
  if (kpi.ratio) return [kpi.ratio.numerator, kpi.ratio.denominator];
  return [{ metric: kpi.metric as string, aggregation: kpi.aggregation as Aggregation, filter: kpi.filter, distinctBy: kpi.distinctBy }];
}

/** Aggregations that are 0, not "no data", over a window without matching events: a ratio's numerator can be 0. */
export const ZERO_WHEN_EMPTY: ReadonlySet<Aggregation> = new Set(['count', 'sum', 'rate', 'distinct_count']);

/**
 * A KPI's value from the values of its measures (one, or a ratio's numerator and
 * denominator). Shared by the live evaluator and the history query so both agree.
 *
 * A ratio is numerator / denominator × scale; null when the denominator is null or 0.
 * A numerator without events counts as 0 for additive aggregations (no orders among
 * 40 sessions is a 0 % conversion), and as null otherwise (an average of nothing).
 */
export function combineMeasures(kpi: KpiDefinition, values: ReadonlyArray<number | null>): number | null {
  if (!kpi.ratio) return values[0] ?? null;
  const den = values[1] ?? null;
  if (den === null || den === 0) return null;
  const num = values[0] ?? (ZERO_WHEN_EMPTY.has(kpi.ratio.numerator.aggregation) ? 0 : null);
  if (num === null) return null;
  return (num / den) * kpi.ratio.scale;
}

/** A rolling window's length in ms; null for a calendar window (its length follows the calendar). */
export function rollingWindowMs(kpi: Pick<KpiDefinition, 'window'>): number | null {
  return isCalendarWindow(kpi.window) ? null : (parseDurationMs(kpi.window) ?? null);
}

/** Calendar windows count as an hour for the staleness default: long enough for a quiet KPI, short enough to notice. */
const CALENDAR_STALENESS_WINDOW_MS = 3_600_000;

/**
 * How long without an event before a KPI's tile turns stale: set per KPI, or a twelfth
 * of its window between a minute and an hour, so a quiet hourly KPI does not flicker
 * stale between its events while a busy 5-minute one goes grey within a minute.
 */
export function staleAfterMs(kpi: Pick<KpiDefinition, 'window' | 'staleAfter'>): number {
  const explicit = kpi.staleAfter === undefined ? undefined : parseDurationMs(kpi.staleAfter);
  if (explicit !== undefined) return explicit;
  const windowMs = rollingWindowMs(kpi) ?? CALENDAR_STALENESS_WINDOW_MS;
  return Math.min(3_600_000, Math.max(60_000, windowMs / 12));
}
