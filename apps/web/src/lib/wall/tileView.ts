import type { Direction, KpiStatusName } from '@northstar/shared';

/** A tile whose newest event is older than its KPI's `staleAfterMs` (from @northstar/shared) is stale. */
export function isStale(lastEventTs: number | null, nowMs: number, staleAfterMs: number): boolean {
  return lastEventTs !== null && nowMs - lastEventTs > staleAfterMs;
}

export const STATUS_LABELS: Readonly<Record<KpiStatusName, string>> = {
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
  no_data: 'No data',
};

export interface Trend {
  movement: 'up' | 'down' | 'flat';
  /** Whether the movement is good for the KPI's direction; null when flat or unknown. */
  good: boolean | null;
  /** Change relative to the previous window, in percent; null when the previous was 0. */
  changePct: number | null;
}

/** Changes smaller than this share of the previous value read as flat, so noise is not coloured. */
const FLAT_SHARE = 0.0005;

/** Trend of the current window against the previous one; null when either is missing. */
export function computeTrend(value: number | null, previous: number | null, direction: Direction): Trend | null {
  if (value === null || previous === null) return null;
  const delta = value - previous;
  const changePct = previous === 0 ? null : (delta / Math.abs(previous)) * 100;
  const flat = delta === 0 || (previous !== 0 && Math.abs(delta / previous) < FLAT_SHARE);
  if (flat) return { movement: 'flat', good: null, changePct: 0 };
  const movement = delta > 0 ? 'up' : 'down';
  const good = direction === 'higher_is_better' ? movement === 'up' : movement === 'down';
  return { movement, good, changePct };
}
