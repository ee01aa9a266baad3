import type { KpiDefinition, Objective, ReviewCadence, ReviewDue } from '@northstar/shared';
import { addUtcMonths } from './calendar.ts';
import { compareIds } from './objective-tree.ts';

const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** The list shows what is overdue and what falls due within a week: enough notice to book a review, short enough to stay a to-do list. */
export const REVIEW_LOOKAHEAD_MS = 7 * DAY_MS;

export type { ReviewDue } from '@northstar/shared';

/**
 * When the next review falls due after a check-in: a week later, or the same day of the
 * next month (quarter: three months on), in UTC so it does not move with the server's
 * zone; a day the month lacks clamps to its last (31 Jan → 28 Feb).
 */
export function nextReviewAt(lastCheckinAt: number, cadence: ReviewCadence): number {
  if (cadence === 'weekly') return lastCheckinAt + WEEK_MS;
  return addUtcMonths(lastCheckinAt, cadence === 'monthly' ? 1 : 3);
}

/**
 * The reviews that are overdue or due within {@link REVIEW_LOOKAHEAD_MS}, soonest first,
 * for every objective and KPI with a `review` cadence. Check-in and creation times are
 * keyed `${kind}:${id}`. Never checked in → the first review is due one cadence after the
 * schedule was created (or after now, if that is unknown): a schedule that has not yet had
 * a week (month, quarter) to happen in is not overdue, so a first start does not open on a
 * page of red. Overdue means the due time has passed: due exactly now is due, not overdue.
 */
export function reviewsDue(
  model: { objectives: readonly Objective[]; kpis: readonly KpiDefinition[] },
  lastCheckins: ReadonlyMap<string, number>,
  nowMs: number,
  createdAt?: ReadonlyMap<string, number>,
): ReviewDue[] {
  const subjects = [
    ...model.objectives.map((d) => ({ kind: 'objective' as const, d })),
    ...model.kpis.map((d) => ({ kind: 'kpi' as const, d })),
  ];
  const out: ReviewDue[] = [];
  for (const { kind, d } of subjects) {
    if (!d.review) continue;
    const key = `${kind}:${d.id}`;
    const lastCheckinAt = lastCheckins.get(key) ?? null;
    const dueAt = nextReviewAt(lastCheckinAt ?? createdAt?.get(key) ?? nowMs, d.review);
    if (dueAt > nowMs + REVIEW_LOOKAHEAD_MS) continue;
    const subject: ReviewDue['subject'] = { kind, id: d.id, name: d.name };
    if (d.owner !== undefined) subject.owner = d.owner;
    out.push({ subject, cadence: d.review, lastCheckinAt, dueAt, overdue: dueAt < nowMs });
  }
  return out.sort((a, b) => a.dueAt - b.dueAt || compareIds(a.subject.kind, b.subject.kind) || compareIds(a.subject.id, b.subject.id));
}
