import { DETECTORS, type DetectionTuning } from '@northstar/shared';
import { FEEDBACK_MAX_STEPS } from './score.ts';

/** The `detector` of a stored "missed" report (an anomaly nobody was alerted to) and of a reset of the tuning. */
export const MISSED = 'missed';
export const RESET = 'reset';

/** The stored verdicts tuning reads: the newest per (alert key, episode), as AlertRepo.feedback() returns them. */
export interface VerdictRow {
  key: string;
  kpi: string;
  detector: string;
  real: boolean;
  expected: boolean;
  note: string;
  by: string;
  at: number;
}

const ANOMALY_DETECTORS: ReadonlySet<string> = new Set<string>([...DETECTORS, 'anomaly']);

/**
 * Each KPI's anomaly threshold as people's feedback moved it: a "not real" verdict on an
 * anomaly alert raises it one step, a "missed" report lowers it one step, a reset returns
 * it to the sensitivity's. Bounded at ±FEEDBACK_MAX_STEPS; reversible, because only the
 * newest verdict per alert episode counts (changing "not real" to "real" takes the step
 * back) and a reset clears everything before it. The newest change names who made it.
 */
export function tuningFrom(rows: readonly VerdictRow[]): Map<string, DetectionTuning> {
  const out = new Map<string, DetectionTuning>();
  const ordered = [...rows].sort((a, b) => a.at - b.at);
  for (const r of ordered) {
    let delta: number | null = null;
    let reason: DetectionTuning['reason'];
    if (r.detector === RESET) {
      reason = 'reset';
    } else if (r.detector === MISSED) {
      delta = -1;
      reason = 'missed';
    } else if (ANOMALY_DETECTORS.has(r.detector) && !r.real && !r.expected) {
      delta = 1;
      reason = 'not_real';
    } else continue;
    const before = out.get(r.kpi)?.steps ?? 0;
    const steps = delta === null ? 0 : Math.max(-FEEDBACK_MAX_STEPS, Math.min(FEEDBACK_MAX_STEPS, before + delta));
    out.set(r.kpi, { kpi: r.kpi, steps, reason, by: r.by, at: r.at, note: r.note });
  }
  return out;
}
