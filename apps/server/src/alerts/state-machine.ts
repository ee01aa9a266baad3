import type { AlertStateName, AlertTransition } from '@northstar/shared';

/**
 * The alert state machine, in Grafana ngalert's vocabulary. Pure: one evaluation in,
 * the next state and the transition (if the state changed) out.
 *
 *   Normal ──holds──▶ Pending ──held ≥ for──▶ Alerting ──clears──▶ Recovering ──cleared ≥ keepFiringFor──▶ Normal
 *      └──holds, for = 0──────────────────────▶    ▲                    │
 *                                                  └────holds again─────┘  (same episode: firingSince kept)
 *   Pending ──clears──▶ Normal      Alerting ──clears, keepFiringFor = 0──▶ Normal
 *
 * Any state ──error──▶ Error; any state ──no data──▶ NoData. Both pause the episode:
 * an alert that was firing keeps `firingSince`, so when data returns and the condition
 * still holds it goes straight back to Alerting (no new notification); if it has cleared
 * it goes through Recovering as usual. A pending clock is not paused: it restarts.
 * Precedence of inputs: error, then no data, then holds / clears.
 */

export interface AlertRuntimeState {
  state: AlertStateName;
  reason: string;
  /** Epoch ms of the last state change. */
  since: number;
  /** When the condition started holding without a break: the `for` clock. */
  activeSince: number | null;
  /** When the current episode started firing; kept through Recovering, NoData and Error. */
  firingSince: number | null;
  /** When the condition cleared while firing: the `keepFiringFor` clock. */
  clearedSince: number | null;
  value: number | null;
  threshold: number | null;
  evaluatedAt: number;
}

export interface StepInput {
  holds: boolean;
  noData: boolean;
  /** The evaluation failed (query error, bad config): the message. */
  error?: string;
  value: number | null;
  threshold: number | null;
  reason: string;
  nowMs: number;
}

export interface StepTiming {
  forMs: number;
  keepFiringForMs: number;
}

/** An AlertTransition before the shell puts the alert's key on it. */
export type StateTransition = Omit<AlertTransition, 'key'>;

export interface StepResult {
  next: AlertRuntimeState;
  transition: StateTransition | null;
}

export function initialState(nowMs: number): AlertRuntimeState {
  return {
    state: 'normal',
    reason: 'not evaluated yet',
    since: nowMs,
    activeSince: null,
    firingSince: null,
    clearedSince: null,
    value: null,
    threshold: null,
    evaluatedAt: nowMs,
  };
}

/** Alerting and Recovering: the alert is firing (notified, shown red). */
export function isFiring(state: AlertStateName): boolean {
  return state === 'alerting' || state === 'recovering';
}

const fmtMs = (ms: number): string =>
  ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;

type Fields = Omit<AlertRuntimeState, 'since' | 'value' | 'threshold' | 'evaluatedAt'>;

export function step(prev: AlertRuntimeState | undefined, input: StepInput, rule: StepTiming): StepResult {
  const p = prev ?? initialState(input.nowMs);
  const now = input.nowMs;
  const fields = decide(p, input, rule);
  const changed = fields.state !== p.state;
  const next: AlertRuntimeState = {
    ...fields,
    since: changed ? now : p.since,
    value: input.value,
    threshold: input.threshold,
    evaluatedAt: now,
  };
  const transition = changed ? { from: p.state, to: next.state, reason: next.reason, at: now, value: input.value } : null;
  return { next, transition };
}

function decide(p: AlertRuntimeState, input: StepInput, rule: StepTiming): Fields {
  const now = input.nowMs;
  if (input.error !== undefined)
    return { state: 'error', reason: `error: ${input.error}`, activeSince: null, firingSince: p.firingSince, clearedSince: null };
  if (input.noData)
    return { state: 'nodata', reason: input.reason || 'no data', activeSince: null, firingSince: p.firingSince, clearedSince: null };
  return input.holds ? onHolds(p, input.reason, now, rule) : onClears(p, input.reason, now, rule);
}

function onHolds(p: AlertRuntimeState, reason: string, now: number, rule: StepTiming): Fields {
  // Back from Recovering, NoData or Error inside an episode: the same episode goes on.
  if (p.firingSince !== null)
    return { state: 'alerting', reason, activeSince: p.activeSince ?? now, firingSince: p.firingSince, clearedSince: null };
  const activeSince = p.state === 'pending' && p.activeSince !== null ? p.activeSince : now;
  if (now - activeSince >= rule.forMs) return { state: 'alerting', reason, activeSince, firingSince: now, clearedSince: null };
  return {
    state: 'pending',
    reason: `${reason} (fires after ${fmtMs(rule.forMs)})`,
    activeSince,
    firingSince: null,
    clearedSince: null,
  };
}

function onClears(p: AlertRuntimeState, reason: string, now: number, rule: StepTiming): Fields {
  const normal: Fields = { state: 'normal', reason, activeSince: null, firingSince: null, clearedSince: null };
  if (p.firingSince === null) return normal;
  const clearedSince = p.state === 'recovering' && p.clearedSince !== null ? p.clearedSince : now;
  if (now - clearedSince >= rule.keepFiringForMs) return normal;
  return {
    state: 'recovering',
    reason: `${reason} (resolves after ${fmtMs(rule.keepFiringForMs)})`,
    activeSince: null,
    firingSince: p.firingSince,
    clearedSince,
  };
}
