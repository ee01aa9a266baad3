import type { Milestone } from '@northstar/shared';

/** Milestones waiting behind the one on screen; a burst beyond this is not worth a queue of banners. */
export const MAX_QUEUED_MILESTONES = 3;

/** A milestone is celebrated at most once per (kind, id, period). */
export function milestoneKey(m: Pick<Milestone, 'kind' | 'id' | 'period'>): string {
  return `${m.kind}:${m.id}:${m.period}`;
}

/**
 * "Orders reached its target for 2026-Q4" / "Grow revenue reached 100 % for 2026-Q4". No emoji:
 * a TV without an emoji font draws a missing-glyph box; the banner draws its own icon.
 */
export function milestoneText(m: Pick<Milestone, 'kind' | 'name' | 'period'>): string {
  return m.kind === 'kpi' ? `${m.name} reached its target for ${m.period}` : `${m.name} reached 100 % for ${m.period}`;
}

/** The celebration queue: one banner at a time, each milestone once. Treated as immutable. */
export interface CelebrationState {
  current: Milestone | null;
  queued: readonly Milestone[];
  seen: ReadonlySet<string>;
}

export const NO_CELEBRATION: CelebrationState = { current: null, queued: [], seen: new Set() };

/** Shows a new milestone now, or after the one on screen; repeats and an overflowing burst are dropped. */
export function offerMilestone(state: CelebrationState, m: Milestone): CelebrationState {
  const key = milestoneKey(m);
  if (state.seen.has(key)) return state;
  const seen = new Set(state.seen).add(key);
  if (state.current === null) return { ...state, current: m, seen };
  if (state.queued.length >= MAX_QUEUED_MILESTONES) return { ...state, seen };
  return { ...state, queued: [...state.queued, m], seen };
}

/** Closes the banner on screen (dismissed or timed out); the next queued one, if any, takes its place. */
export function dismissMilestone(state: CelebrationState): CelebrationState {
  const [next = null, ...rest] = state.queued;
  return { ...state, current: next, queued: rest };
}
