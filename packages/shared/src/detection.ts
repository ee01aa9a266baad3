import { z } from 'zod';
import { parseDurationMs } from './primitives.ts';

/**
 * Detector names, each a different view of "this is not normal": three baselines (a point off
 * the forecast), level_shift (a run of them), variance_change (the spread itself changed), missing.
 */
export const DETECTORS = ['robust', 'holt', 'seasonal', 'level_shift', 'variance_change', 'missing'] as const;
export type DetectorName = (typeof DETECTORS)[number];

export const SENSITIVITIES = ['low', 'medium', 'high'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];
/** The sensitivity of a KPI (and of an alert rule's anomaly score) that sets none. */
export const DEFAULT_SENSITIVITY: Sensitivity = 'medium';

/** Which way counts as anomalous; default from the KPI's direction (the bad way), both for within_range. */
export const ANOMALY_DIRECTIONS = ['up', 'down', 'both'] as const;
export type AnomalyDirection = (typeof ANOMALY_DIRECTIONS)[number];

export const durationField = (what: string) =>
  z.string().refine((d) => parseDurationMs(d) !== undefined, `must be a duration like "30s", "5m" or "1h" (${what})`);

/** Per-KPI anomaly detection; every field has a default that works without tuning. */
export const DetectionSchema = z.strictObject({
  enabled: z.boolean().default(true),
  sensitivity: z.enum(SENSITIVITIES).default(DEFAULT_SENSITIVITY),
  direction: z.enum(ANOMALY_DIRECTIONS).optional(),
  detectors: z.array(z.enum(DETECTORS)).min(1).optional(),
  /** The evaluation step the detectors see the KPI at; default: a sixtieth of the window, at least 10 s. */
  step: durationField('the detection step').optional(),
});
export type DetectionSettings = z.infer<typeof DetectionSchema>;

/** What one detector (or the ensemble) says about one point. */
export interface DetectionPoint {
  ts: number;
  value: number | null;
  /** 0 = ordinary, 1 = certainly anomalous. */
  score: number;
  /** The band the value was expected in; null while warming up. */
  lower: number | null;
  upper: number | null;
  /** score over the sensitivity's threshold, in the watched direction. */
  flag: boolean;
  /** The detector behind the score; null while nothing is ready. */
  detector: DetectorName | null;
  /**
   * Still learning what is normal for this KPI (too little history for a calibrated
   * score): the score is 0 and nothing is flagged, except missing data.
   */
  learning?: boolean;
  /**
   * While an anomaly episode lasts (from its one flagged point until the series has been
   * normal again for a while), its peak score; null otherwise. "n of m" alert rules count
   * this, so one incident is one alert.
   */
  held?: number | null;
}

/** How people's feedback moved a KPI's anomaly threshold: +1 step per "not real", −1 per "missed"; bounded and reversible. */
export interface DetectionTuning {
  kpi: string;
  /** Threshold steps from the sensitivity's: > 0 raised (fewer alerts), < 0 lowered. */
  steps: number;
  /** The newest change: a "not real" verdict, a "missed" report, or a reset. */
  reason: 'not_real' | 'missed' | 'reset';
  by: string;
  at: number;
  note: string;
}

/** "This KPI had an anomaly nobody was alerted to" (lowers its threshold a step), or "undo the tuning" (back to the sensitivity's). */
export const DetectionFeedbackInputSchema = z.strictObject({
  kpi: z.string().min(1).max(200),
  kind: z.enum(['missed', 'reset']),
  note: z.string().max(1000).default(''),
});
export type DetectionFeedbackInput = z.infer<typeof DetectionFeedbackInputSchema>;
