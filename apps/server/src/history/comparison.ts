import { DateTime } from 'luxon';
import type { SeriesPoint } from '@northstar/shared';
import type { SeriesRange } from '../store/series-query.ts';

export const COMPARE_KINDS = ['previous', 'last_year'] as const;
export type CompareKind = (typeof COMPARE_KINDS)[number];

const DAY_MS = 86_400_000;

/** Reads `compare=previous,last_year`; a list of kinds, or the reason it is wrong. */
export function parseCompare(raw: string | undefined): CompareKind[] | string {
  if (raw === undefined || raw === '') return [];
  const kinds = raw.split(',').map((k) => k.trim());
  const bad = kinds.filter((k) => !(COMPARE_KINDS as readonly string[]).includes(k));
  if (bad.length > 0) return `unknown comparison ${bad.map((b) => `"${b.slice(0, 20)}"`).join(', ')}; use previous and/or last_year`;
  return [...new Set(kinds as CompareKind[])];
}

/**
 * Where a requested time lies in the compared period:
 * - previous: the same-length range just before; with whole-day steps the shift is whole
 *   local days, so local midnights map to local midnights across a DST change;
 * - last_year: the same local date and time a year earlier in the KPI's zone (luxon's
 *   calendar arithmetic: 29 February maps to 28 February; an hour of a DST change maps
 *   to the matching wall-clock time).
 */
export function comparisonMap(kind: CompareKind, range: SeriesRange, timezone: string): (t: number) => number {
  const lengthMs = range.toMs - range.fromMs;
  if (kind === 'last_year') return (t) => DateTime.fromMillis(t, { zone: timezone }).minus({ years: 1 }).toMillis();
  if (range.stepMs % DAY_MS === 0) {
    const days = Math.max(1, Math.round(lengthMs / DAY_MS));
    return (t) => DateTime.fromMillis(t, { zone: timezone }).minus({ days }).toMillis();
  }
  return (t) => t - lengthMs;
}

/** The range to query for a comparison: the requested one mapped back, with the same step. */
export function comparisonRange(map: (t: number) => number, range: SeriesRange): SeriesRange {
  return { fromMs: map(range.fromMs), toMs: map(range.toMs), stepMs: range.stepMs };
}

/**
 * Lays compared points onto the requested timestamps: each timestamp t gets the value of
 * the compared point at map(t), or of the latest one before it within one step (a DST
 * change can move map(t) off the compared series' grid); null when there is none.
 */
export function alignComparison(
  times: readonly number[],
  compared: readonly SeriesPoint[],
  map: (t: number) => number,
  stepMs: number,
): SeriesPoint[] {
  const sorted = [...compared].sort((a, b) => a[0] - b[0]);
  return times.map((t) => {
    const at = map(t);
    let lo = 0;
    let hi = sorted.length - 1;
    let found: SeriesPoint | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = sorted[mid] as SeriesPoint;
      if (p[0] <= at) {
        found = p;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return [t, found && at - found[0] < stepMs ? found[1] : null];
  });
}

/** Each asked-for comparison, queried the same way as the series and laid onto its timestamps. */
export async function seriesComparison(
  query: (range: SeriesRange) => Promise<SeriesPoint[]>,
  kinds: readonly CompareKind[],
  range: SeriesRange,
  timezone: string,
  times: readonly number[],
): Promise<{ previous?: SeriesPoint[]; lastYear?: SeriesPoint[] }> {
  const out: { previous?: SeriesPoint[]; lastYear?: SeriesPoint[] } = {};
  await Promise.all(
    kinds.map(async (kind) => {
      const map = comparisonMap(kind, range, timezone);
      const points = alignComparison(times, await query(comparisonRange(map, range)), map, range.stepMs);
      if (kind === 'previous') out.previous = points;
      else out.lastYear = points;
    }),
  );
  return out;
}
