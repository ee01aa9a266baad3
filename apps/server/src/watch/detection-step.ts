import { isCalendarWindow, parseDurationMs, type KpiDefinition } from '@northstar/shared';

/** Detectors need points that can differ: a step much shorter than the window just repeats it. */
const STEP_SHARE_OF_WINDOW = 1 / 12;
const MIN_STEP_MS = 60_000;
const MAX_STEP_MS = 3_600_000;
/** Calendar windows accumulate; a quarter hour sees a change without drowning in repeats. */
const CALENDAR_STEP_MS = 15 * 60_000;

/** The step a KPI's detectors see it at: set per KPI, else a twelfth of its window within 1 min … 1 h. */
export function detectionStepMs(kpi: KpiDefinition): number {
  const explicit = kpi.detection?.step ? parseDurationMs(kpi.detection.step) : undefined;
  if (explicit !== undefined) return Math.max(10_000, explicit);
  if (isCalendarWindow(kpi.window)) return CALENDAR_STEP_MS;
  const windowMs = parseDurationMs(kpi.window) ?? MIN_STEP_MS;
  const raw = Math.min(MAX_STEP_MS, Math.max(MIN_STEP_MS, windowMs * STEP_SHARE_OF_WINDOW));
  // whole minutes, so history buckets line up with live steps
  return Math.round(raw / 60_000) * 60_000;
}
