import { z } from 'zod';
import { COMPARISON_OPS } from './comparison.ts';
import type { DetectionPoint } from './detection.ts';
import { DetectionSchema, durationField as duration } from './detection.ts';
import { idField, labelText, proseText } from './primitives.ts';

export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_STATES = ['normal', 'pending', 'alerting', 'recovering', 'nodata', 'error'] as const;
export type AlertStateName = (typeof ALERT_STATES)[number];

const op = z.enum(COMPARISON_OPS);

export const AlertConditionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('threshold'), op, value: z.number().refine(Number.isFinite, 'must be a finite number') }),
  z.strictObject({ type: z.literal('status'), in: z.array(z.enum(['at_risk', 'off_track', 'no_data', 'no_target'])).min(1) }),
  z.strictObject({
    type: z.literal('anomaly'),
    /** Score at or above which a point counts; default from the KPI's sensitivity. */
    score: z.number().min(0).max(1).optional(),
    /** n of the last m points must count. */
    n: z.number().int().min(1).max(100).default(3),
    m: z.number().int().min(1).max(100).default(5),
  }),
  z.strictObject({ type: z.literal('no_data'), for: duration('how long without data') }),
  /** The end-of-period projection (from the pace so far) misses the period target. */
  z.strictObject({ type: z.literal('pacing'), by: z.number().min(0).max(100).default(5) }),
]);
export type AlertCondition = z.infer<typeof AlertConditionSchema>;

export const AlertRuleSchema = z
  .strictObject({
    id: idField,
    name: labelText(200, 1),
    /** Which KPIs: listed ids, everything under an objective, or (neither) every KPI. */
    kpis: z.array(idField).max(500).optional(),
    objective: idField.optional(),
    severity: z.enum(ALERT_SEVERITIES).default('warning'),
    condition: AlertConditionSchema,
    /** The condition must hold this long before the alert fires (Pending until then). */
    for: duration('pending time').default('0s'),
    /** After the condition clears, keep firing this long (Recovering) so a hovering value does not flap. */
    keepFiringFor: duration('recovery time').default('0s'),
    enabled: z.boolean().default(true),
    description: proseText(2000).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.condition.type === 'anomaly' && r.condition.n > r.condition.m)
      ctx.addIssue({ code: 'custom', path: ['condition', 'n'], message: 'must not be more than m' });
  });
export type AlertRule = z.infer<typeof AlertRuleSchema>;

/** One step of the path from a KPI up the alignment tree, with the owner to call. */
export interface PathStep {
  kind: 'kpi' | 'objective';
  id: string;
  name: string;
  owner?: string;
}

export interface Alert {
  /** `${ruleId}/${kpiId}/${series}`: one active alert per rule, KPI and series. */
  key: string;
  rule: string;
  ruleName: string;
  kpi: string;
  kpiName: string;
  series: string;
  severity: AlertSeverity;
  state: AlertStateName;
  /** Why it is in this state, in words. */
  reason: string;
  /** Epoch ms the current episode started firing (Alerting); null while pending. */
  firingSince: number | null;
  /** Epoch ms of the last state change. */
  since: number;
  /**
   * The KPI's value, and (pacing rules) the end-of-period projection and the target it is
   * compared with. While the alert is pending or firing they follow the KPI live (as does
   * `reason`); `since` stays the time of the last state change.
   */
  value: number | null;
  /** Pacing: projected end-of-period value; null or absent for other rules. */
  projection?: number | null;
  threshold: number | null;
  /** KPI → objective → … → organisation objective: which objectives are at risk, and whose. */
  path: PathStep[];
  flapping: boolean;
  acknowledged: { by: string; at: number; comment: string } | null;
  silencedBy: string | null;
  /** A person's verdict: was it real? */
  feedback: { real: boolean; note: string; by: string; at: number } | null;
}

export interface AlertTransition {
  key: string;
  from: AlertStateName;
  to: AlertStateName;
  reason: string;
  at: number;
  value: number | null;
}

export const SilenceInputSchema = z.strictObject({
  /** All must match: field = value. */
  matchers: z
    .array(z.strictObject({ field: z.enum(['rule', 'kpi', 'objective', 'severity', 'owner']), value: labelText(200, 1) }))
    .min(1, 'a silence needs at least one matcher')
    .max(20),
  /** ISO 8601 or epoch ms; default now. */
  startsAt: z.union([z.string().max(64), z.number()]).optional(),
  endsAt: z.union([z.string().max(64), z.number()]),
  comment: proseText(1000, 1, 'say why'),
});
export type SilenceInput = z.infer<typeof SilenceInputSchema>;

export interface Silence {
  id: string;
  matchers: SilenceInput['matchers'];
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string;
}

export const AckInputSchema = z.strictObject({ comment: proseText(1000).default('') });
export const AlertFeedbackInputSchema = z.strictObject({
  real: z.boolean(),
  /** e.g. "expected: campaign"; an expected interval is left out of baselines. */
  note: proseText(1000).default(''),
  expected: z.boolean().default(false),
});

/** A backtest over a KPI's stored history. */
export const BacktestKpiRequestSchema = z.strictObject({
  kpi: idField,
  from: z.union([z.string().max(64), z.number()]),
  to: z.union([z.string().max(64), z.number()]),
  detection: DetectionSchema.partial().optional(),
});

/** A backtest over an inline series: timestamps ISO 8601 (with a zone) or epoch ms. */
export const BacktestSeriesRequestSchema = z.strictObject({
  series: z
    .array(
      z.strictObject({
        ts: z.union([z.number(), z.string().max(64)], { error: 'must be ISO 8601 with a time zone or epoch milliseconds' }),
        value: z.number({ error: 'must be a number or null' }).nullable(),
      }),
    )
    .min(1)
    .max(100_000, 'at most 100 000 points'),
  detection: DetectionSchema.partial().optional(),
  /** The direction the KPI is better in; unset (and no detection.direction): anomalies are watched both ways. */
  kpiDirection: z.enum(['higher_is_better', 'lower_is_better', 'within_range']).optional(),
  timezone: z.string().max(64).default('UTC'),
});

export interface BacktestResponse {
  stepMs: number;
  points: DetectionPoint[];
  flagged: number;
}
