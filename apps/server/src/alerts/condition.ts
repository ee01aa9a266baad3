import {
  DEFAULT_SENSITIVITY,
  NEGATED_OP,
  compareWith,
  calendarSpan,
  isCalendarWindow,
  isCumulative,
  parseDurationMs,
  projectedEndValue,
  PACING_MIN_ELAPSED_SHARE,
  type AlertCondition,
  type Direction,
  type KpiDefinition,
  type KpiState,
} from '@northstar/shared';
import { scoreThreshold } from '../detect/score.ts';

/**
 * Whether an alert rule's condition holds for one KPI at one evaluation. Pure: the
 * caller passes the KPI's state, the detector's recent scores and the time.
 */

/** Where the period a pacing rule projects over stands, and how the KPI accumulates. */
export interface PacingContext {
  /** The calendar period the KPI's window covers now, [startMs, endMs), in its time zone. */
  startMs: number;
  endMs: number;
  /**
   * sum, count or distinct_count over a calendar window: the value grows through the
   * period, so the end-of-period value is projected from the pace so far. Anything else
   * is a level, whose projection is its current value.
   */
  cumulative: boolean;
  direction: Direction;
}

export interface ConditionInput {
  state: KpiState;
  /** Recent detector scores in [0, 1], newest last (at least the rule's m of them when warmed up). */
  anomalyScores: readonly number[];
  nowMs: number;
  /** The score at which a point counts when the rule sets none: from the KPI's sensitivity. */
  anomalyScoreThreshold?: number;
  /**
   * Since when this KPI has been watched (server start, or the rule or KPI being created):
   * a KPI that has never had an event is silent since then, not since forever, so a
   * fresh start does not page everyone before the first events arrive.
   */
  watchingSinceMs?: number;
  /** Needed by `pacing` rules; see `pacingContext`. Without it a pacing rule reports no data. */
  pacing?: PacingContext;
}

export interface ConditionResult {
  holds: boolean;
  /** The KPI has no value to judge (the state machine's NoData); never set with `holds`. */
  noData: boolean;
  /** The KPI's value now: never a projection (a lead compares it with the tile). */
  value: number | null;
  /** Pacing: the end-of-period value projected from the pace so far; null for other conditions. */
  projection?: number | null;
  /** What `projection` (pacing) or `value` (threshold, status) is compared with. */
  threshold: number | null;
  /** Why, in words a lead can read in a notification. */
  reason: string;
}

/**
 * Used when neither the rule nor the KPI's sensitivity gives an anomaly score: the score the
 * detector itself flags at by default, from the same rule (scoreThreshold), so a rule without a
 * score fires on exactly the points a default KPI's detector calls anomalous.
 */
export const DEFAULT_ANOMALY_SCORE = scoreThreshold(DEFAULT_SENSITIVITY);

/** Owned by shared/projection.ts (the tiles show no projection before then either). */
export { PACING_MIN_ELAPSED_SHARE };

/**
 * The pacing context of a KPI at `nowMs`: its calendar window's current period and
 * whether it accumulates. Undefined for rolling windows, which have no period to pace.
 */
export function pacingContext(kpi: KpiDefinition, nowMs: number): PacingContext | undefined {
  if (!isCalendarWindow(kpi.window)) return undefined;
  const span = calendarSpan(kpi.window, kpi.timezone, nowMs);
  const cumulative = isCumulative(kpi);
  return { startMs: span.startMs, endMs: span.endMs, cumulative, direction: kpi.direction };
}

const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4))));

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}

/** Said while a KPI's history is still being loaded (state.catchingUp, evaluate/catch-up.ts). */
const loadingReason = (state: KpiState): string =>
  `loading history (events up to ${new Date(state.lastEventTs ?? 0).toISOString().slice(11, 16)} UTC so far)`;

/**
 * No value to judge. While history is still being loaded that is not "no data": the
 * window is empty because the loaded events have not reached it yet, so the alert stays
 * where it is (no NoData spell, no notification) until the history is in.
 */
const noValue = (state: KpiState, threshold: number | null = null): ConditionResult =>
  state.catchingUp
    ? { holds: false, noData: false, value: null, threshold, reason: loadingReason(state) }
    : {
        holds: false,
        noData: true,
        value: null,
        threshold,
        reason: state.lastEventTs === null ? 'no data yet' : 'no value in the window',
      };

function threshold(c: Extract<AlertCondition, { type: 'threshold' }>, input: ConditionInput): ConditionResult {
  const { value } = input.state;
  if (value === null) return noValue(input.state, c.value);
  const holds = compareWith(value, c.op, c.value);
  const op = holds ? c.op : NEGATED_OP[c.op];
  return { holds, noData: false, value, threshold: c.value, reason: `value ${fmt(value)} ${op} ${fmt(c.value)}` };
}

function status(c: Extract<AlertCondition, { type: 'status' }>, input: ConditionInput): ConditionResult {
  const { state } = input;
  // "no data" while the history is loading is not a status to alert on (even for a rule listing no_data)
  if (state.catchingUp && state.status === 'no_data') return noValue(state, state.target);
  const holds = (c.in as string[]).includes(state.status);
  // A rule that does not list no_data treats a KPI without a value as NoData, not as "fine".
  if (!holds && state.status === 'no_data') return noValue(state, state.target);
  const reason = holds
    ? `status is ${state.status.replace('_', ' ')}`
    : `status is ${state.status.replace('_', ' ')}, not ${c.in.join(' or ')}`;
  return { holds, noData: false, value: state.value, threshold: state.target, reason };
}

function anomaly(c: Extract<AlertCondition, { type: 'anomaly' }>, input: ConditionInput): ConditionResult {
  const scoreAt = c.score ?? input.anomalyScoreThreshold ?? DEFAULT_ANOMALY_SCORE;
  const recent = input.anomalyScores.slice(-c.m);
  const count = recent.filter((s) => s >= scoreAt).length;
  const holds = count >= c.n;
  if (!holds && input.state.value === null) return noValue(input.state);
  // The KPI's value (not the score) is what a lead reads; the score rule is in the reason.
  const warming = recent.length < c.m ? ` (only ${recent.length} scored so far)` : '';
  return {
    holds,
    noData: false,
    value: input.state.value,
    threshold: null,
    reason: `${count} of the last ${c.m} points scored ≥ ${fmt(scoreAt)} (fires at ${c.n})${warming}`,
  };
}

function noData(c: Extract<AlertCondition, { type: 'no_data' }>, input: ConditionInput): ConditionResult {
  // events are arriving, only old ones: the feed has not stopped, its history is loading
  if (input.state.catchingUp)
    return { holds: false, noData: false, value: input.state.value, threshold: null, reason: loadingReason(input.state) };
  const forMs = parseDurationMs(c.for) ?? 0;
  const last = input.state.lastEventTs;
  // Never seen an event: silent since watching began (or forever when that is unknown).
  const since = last ?? input.watchingSinceMs;
  const silentMs = since === undefined ? Number.POSITIVE_INFINITY : input.nowMs - since;
  const holds = silentMs >= forMs;
  const reason =
    last === null
      ? holds
        ? `no event seen in ${formatDuration(silentMs)} (limit ${c.for})`
        : 'no event seen yet'
      : holds
        ? `no event for ${formatDuration(silentMs)} (limit ${c.for})`
        : `last event ${formatDuration(silentMs)} ago (limit ${c.for})`;
  return { holds, noData: false, value: input.state.value, threshold: null, reason };
}

/**
 * Pacing: project the end-of-period value and compare it with the period's target.
 *
 * - The projection is shared/projection.ts's projectedEndValue (the one the wall's tiles
 *   and the KPI chart show): the pace so far for cumulative KPIs, the value for levels.
 * - Holds when the projection misses the target by more than `by` percent: below
 *   target × (1 − by/100) when higher is better, above target × (1 + by/100) when lower
 *   is better. within_range KPIs have no single target to pace towards: never holds.
 * - Quiet before PACING_MIN_ELAPSED_SHARE of the period has elapsed.
 */
function pacing(c: Extract<AlertCondition, { type: 'pacing' }>, input: ConditionInput): ConditionResult {
  const { state, pacing: ctx } = input;
  const target = state.target;
  if (!ctx) return { holds: false, noData: true, value: state.value, threshold: target, reason: 'no period to pace against' };
  if (ctx.direction === 'within_range')
    return { holds: false, noData: false, value: state.value, threshold: null, reason: 'a range KPI is not paced' };
  if (target === null) return { holds: false, noData: false, value: state.value, threshold: null, reason: 'no target to pace against' };
  if (state.value === null) return noValue(state, target);
  const elapsed = (input.nowMs - ctx.startMs) / (ctx.endMs - ctx.startMs);
  if (ctx.cumulative && elapsed < PACING_MIN_ELAPSED_SHARE)
    return {
      holds: false,
      noData: false,
      value: state.value,
      threshold: target,
      reason: `too early in the period to project (${Math.round(Math.max(0, elapsed) * 100)}% elapsed)`,
    };
  const projected = projectedEndValue({
    value: state.value,
    target,
    expected: state.expected,
    elapsedShare: elapsed,
    cumulative: ctx.cumulative,
  });
  const bound = ctx.direction === 'higher_is_better' ? target * (1 - c.by / 100) : target * (1 + c.by / 100);
  const holds = ctx.direction === 'higher_is_better' ? projected < bound : projected > bound;
  const missBy = target === 0 ? 0 : Math.abs((projected - target) / target) * 100;
  const how = projected === target ? 'on target' : `${fmt(missBy)}% ${projected < target ? 'below' : 'above'} target`;
  return {
    holds,
    noData: false,
    value: state.value,
    projection: projected,
    threshold: target,
    reason: `value ${fmt(state.value)} so far, projected ${fmt(projected)} by period end vs target ${fmt(target)}: ${how} (allowed ${fmt(c.by)}%)`,
  };
}

export function evaluateCondition(condition: AlertCondition, input: ConditionInput): ConditionResult {
  switch (condition.type) {
    case 'threshold':
      return threshold(condition, input);
    case 'status':
      return status(condition, input);
    case 'anomaly':
      return anomaly(condition, input);
    case 'no_data':
      return noData(condition, input);
    case 'pacing':
      return pacing(condition, input);
  }
}
