/**
 * Whether a KPI is catching up: its feed is delivering (its newest event time moved within
 * the last CATCH_UP_RECENT_MS of wall clock) but what it delivers is old (the newest event
 * is more than CATCH_UP_LAG_MS behind now). That is history being loaded (the demo's
 * backfill, `northstar import`, a Kafka consumer working off its lag), not a feed that
 * stopped: its empty window says "loading", and no alert calls it "no data" (issue s10-1).
 *
 * A feed that stops while behind stops moving, so it is no longer catching up after
 * CATCH_UP_RECENT_MS, and the no-data rules judge it as usual.
 */
export const CATCH_UP_LAG_MS = 2 * 60_000;
export const CATCH_UP_RECENT_MS = 30_000;

/** Wall-clock time at which a KPI's newest event time last moved forward; updated per evaluation. */
export function advancedAt(
  prevLastEventTs: number | null,
  lastEventTs: number | null,
  prevAdvancedAt: number | null,
  nowMs: number,
): number | null {
  if (lastEventTs !== null && (prevLastEventTs === null || lastEventTs > prevLastEventTs)) return nowMs;
  return prevAdvancedAt;
}

export function isCatchingUp(lastEventTs: number | null, advancedAtMs: number | null, nowMs: number): boolean {
  if (lastEventTs === null || advancedAtMs === null) return false;
  return nowMs - advancedAtMs <= CATCH_UP_RECENT_MS && nowMs - lastEventTs > CATCH_UP_LAG_MS;
}
