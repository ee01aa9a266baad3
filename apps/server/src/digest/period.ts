import { DateTime } from 'luxon';
import type { Objective, ReviewCadence } from '@northstar/shared';

/**
 * A digest period: the calendar week (Monday first), month or quarter that contains a
 * moment, read in the digests' time zone. A digest is sent once per person, objective and
 * period, so its key is what the delivery log is keyed by; the digest reports on the
 * span just before it is sent (the last week, month or quarter up to that moment).
 */
export interface DigestPeriod {
  cadence: ReviewCadence;
  /** "2026-W49", "2026-12" or "2026-Q4". */
  key: string;
  /** Epoch ms of the period's start (local midnight). */
  startMs: number;
}

export function digestPeriod(cadence: ReviewCadence, nowMs: number, timezone: string): DigestPeriod {
  const local = DateTime.fromMillis(nowMs, { zone: timezone });
  if (cadence === 'weekly') {
    const start = local.startOf('week');
    return { cadence, key: `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`, startMs: start.toMillis() };
  }
  if (cadence === 'monthly') return { cadence, key: local.toFormat('yyyy-MM'), startMs: local.startOf('month').toMillis() };
  return { cadence, key: `${local.year}-Q${local.quarter}`, startMs: local.startOf('quarter').toMillis() };
}

/** The span a digest sent at `nowMs` reports on: one cadence back from now. */
export function reportedSpan(cadence: ReviewCadence, nowMs: number, timezone: string): { fromMs: number; toMs: number } {
  const now = DateTime.fromMillis(nowMs, { zone: timezone });
  const from = cadence === 'weekly' ? now.minus({ weeks: 1 }) : now.minus({ months: cadence === 'monthly' ? 1 : 3 });
  return { fromMs: from.toMillis(), toMs: nowMs };
}

/** How often an objective's digest goes out: its own digest cadence, else its review cadence, else weekly. */
export function digestCadence(o: Pick<Objective, 'digest' | 'review'>): ReviewCadence {
  return o.digest?.cadence ?? o.review ?? 'weekly';
}
