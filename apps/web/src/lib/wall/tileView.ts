import type { Direction, KpiDefinition, KpiProjection, KpiState, KpiStatusName } from '@northstar/shared';
import { formatAgo, formatClock, formatRange, formatValue } from '../format.ts';

/** A tile whose newest event is older than its KPI's `staleAfterMs` (from @northstar/shared) is stale. */
export function isStale(lastEventTs: number | null, nowMs: number, staleAfterMs: number): boolean {
  return lastEventTs !== null && nowMs - lastEventTs > staleAfterMs;
}

/**
 * The KPI's history is still being loaded (the server's `catchingUp`): its old newest event
 * does not make it stale, and an empty window is "loading", not "no data".
 */
export function isLoadingHistory(state: Pick<KpiState, 'catchingUp'>): boolean {
  return state.catchingUp === true;
}

/** What the status badge says: an empty window whose history is loading says so instead of "No data". */
export const LOADING_LABEL = 'Loading history';
export function statusWord(status: KpiStatusName, loading: boolean): string {
  return loading && status === 'no_data' ? LOADING_LABEL : STATUS_LABELS[status];
}

/** The tile's freshness line: loading, stale since, or updated how long ago. */
export function freshnessText(state: Pick<KpiState, 'lastEventTs' | 'catchingUp'>, nowMs: number, staleAfterMs: number): string {
  if (state.lastEventTs === null) return 'no data yet';
  if (isLoadingHistory(state)) return `loading history, at ${formatClock(state.lastEventTs, nowMs)}`;
  if (isStale(state.lastEventTs, nowMs, staleAfterMs)) return `stale since ${formatClock(state.lastEventTs, nowMs)}`;
  return `updated ${formatAgo(nowMs - state.lastEventTs)}`;
}

export const STATUS_LABELS: Readonly<Record<KpiStatusName, string>> = {
  on_track: 'On track',
  at_risk: 'At risk',
  off_track: 'Off track',
  no_data: 'No data',
  no_target: 'No target',
};

export interface TargetText {
  /** "of 120k", "of ≤ 300 ms", "in 95–99 %", or "no target". */
  text: string;
  /**
   * `text` in three: the words before the figure, the figure with its unit ("300 ms", "1k
   * orders", "95–99 %"), and the words after it. The tile keeps `amount` on one line, so a
   * narrow tile never puts "ms" alone under "target 300".
   */
  lead: string;
  amount: string;
  tail: string;
  /** Says what the text means, for a tooltip. */
  title: string;
  /** "40k expected by now" when the target is paced within a calendar period; else null. */
  expected: string | null;
}

/** The target line of a tile, from the target in force now (the server resolves periods and pacing). */
export function targetText(
  def: Pick<KpiDefinition, 'direction' | 'unit'>,
  state: Pick<KpiState, 'target' | 'targetLow' | 'targetHigh' | 'expected' | 'period'>,
): TargetText {
  const unit = def.unit ?? '';
  const period = state.period ? ` for ${state.period}` : '';
  const expected = state.expected === null ? null : `${formatValue(state.expected, unit)} expected by now`;
  const parts = (lead: string, amount: string, tail = '') => ({ text: `${lead}${amount}${tail}`, lead, amount, tail });
  if (def.direction === 'within_range' && state.targetLow !== null && state.targetHigh !== null) {
    return {
      ...parts('in ', formatRange(state.targetLow, state.targetHigh, unit)),
      title: `Target${period}: stay within this range`,
      expected,
    };
  }
  if (state.target === null) return { ...parts('', '', 'no target'), title: 'This KPI has no target in force', expected: null };
  const lower = def.direction === 'lower_is_better';
  const amount = formatValue(state.target, unit);
  return {
    ...(lower ? parts('target ', amount) : parts('of ', amount, state.expected === null ? '' : ' target')),
    title: `Target${period}: ${lower ? 'at most' : 'at least'} this`,
    expected,
  };
}

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
  // Within a range neither way is good in itself; the status says whether the value is inside.
  if (direction === 'within_range') return { movement, good: null, changePct };
  const good = direction === 'higher_is_better' ? movement === 'up' : movement === 'down';
  return { movement, good, changePct };
}

/** The anomaly badge's title: how sure the detector is and the band it expected. */
export function anomalyTitle(
  anomaly: { score: number; lower: number | null; upper: number | null; detector: string | null },
  unit: string,
): string {
  const band = anomaly.lower !== null && anomaly.upper !== null ? `; expected ${formatRange(anomaly.lower, anomaly.upper, unit)}` : '';
  const by = anomaly.detector ? ` (${anomaly.detector.replace('_', ' ')})` : '';
  return `Anomaly score ${anomaly.score.toFixed(2)}${band}${by}`;
}

/**
 * The projection line of a calendar tile: "Projected 1.2M (1.1M–1.3M) by 31 Dec", and a
 * title that says what it means. The date is the period's last day in the KPI's zone
 * (its end is exclusive). Null when the state carries no projection.
 */
export function projectionText(
  projection: KpiProjection | null | undefined,
  unit: string,
  timezone: string,
): { text: string; title: string } | null {
  if (!projection) return null;
  const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: timezone }).format(projection.endMs - 1);
  return {
    text: `Projected ${formatValue(projection.value, unit)} (${formatRange(projection.low, projection.high, unit)}) by ${day}`,
    title: `${STATUS_LABELS[projection.status]}: the value at the end of the period if the pace so far holds, and the range it lands in 9 times in 10`,
  };
}
