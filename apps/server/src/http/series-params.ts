import type { Context } from 'hono';
import { isCalendarWindow, parseDurationMs, parseTimestamp, type KpiDefinition } from '@northstar/shared';
import type { FieldProblem } from '@northstar/shared';

/** A chart has no use for more points than pixels; this also bounds the query. */
export const MAX_SERIES_POINTS = 5000;
const DEFAULT_RANGE_MS = 24 * 3_600_000;
const NICE_STEPS_MS = [10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000];

const DAY_MS = 86_400_000;
/** Points the automatic step aims for: a chart's worth. */
const AUTO_POINTS = 300;

/** A nice step giving at most AUTO_POINTS points; past 300 days, whole days, as many as that takes. */
export function autoStep(rangeMs: number): number {
  return NICE_STEPS_MS.find((s) => rangeMs / s <= AUTO_POINTS) ?? Math.ceil(rangeMs / AUTO_POINTS / DAY_MS) * DAY_MS;
}

export interface SeriesParams {
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/** Reads from/to (ISO 8601 or epoch ms) and step ("1m" or ms), or lists what is wrong with them. */
export function readSeriesParams(c: Context, kpi: KpiDefinition, nowMs: number): SeriesParams | FieldProblem[] {
  const problems: FieldProblem[] = [];
  const time = (name: 'from' | 'to', fallback: number): number => {
    const raw = c.req.query(name);
    if (raw === undefined || raw === '') return fallback;
    const t = parseTimestamp(/^\d+$/.test(raw) ? Number(raw) : raw, nowMs);
    if (!t.ok) problems.push({ field: name, message: t.reason.replace(/^ts: /, '') });
    return t.ok ? t.ms : fallback;
  };
  const toMs = time('to', nowMs);
  const fromMs = time('from', toMs - DEFAULT_RANGE_MS);
  if (fromMs >= toMs) problems.push({ field: 'from', message: 'must be before to' });
  let stepMs = autoStep(toMs - fromMs);
  const rawStep = c.req.query('step');
  const automatic = !rawStep;
  if (rawStep) {
    const parsed = /^\d+$/.test(rawStep) ? Number(rawStep) : parseDurationMs(rawStep);
    if (parsed === undefined || parsed < 1000)
      problems.push({ field: 'step', message: 'must be a duration like "1m" or milliseconds, at least 1s' });
    else stepMs = parsed;
  }
  // a step longer than a rolling window must be whole windows, so each point is one window
  const windowMs = isCalendarWindow(kpi.window) ? undefined : parseDurationMs(kpi.window);
  // (rounded up when automatic, so the automatic step never gives more points than it aimed for)
  if (windowMs !== undefined && stepMs > windowMs) stepMs = (automatic ? Math.ceil : Math.round)(stepMs / windowMs) * windowMs;
  if (problems.length === 0 && (toMs - fromMs) / stepMs > MAX_SERIES_POINTS) {
    problems.push({ field: 'step', message: `gives more than ${MAX_SERIES_POINTS} points for this range; use a larger step` });
  }
  return problems.length > 0 ? problems : { fromMs, toMs, stepMs };
}
