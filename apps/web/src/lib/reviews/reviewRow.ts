/** One row of GET /api/v1/reviews, read tolerantly: the subject may be nested or flat, times epoch ms or ISO text. */
export interface ReviewRow {
  kind: 'objective' | 'kpi' | 'goal';
  id: string;
  name: string;
  owner: string | null;
  cadence: string;
  /** Epoch ms the review is (or was) due. */
  dueAt: number | null;
  overdue: boolean;
  lastCheckinAt: number | null;
}

type Raw = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function time(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v !== '') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  if (typeof v === 'object' && v !== null && 'at' in v) return time((v as Raw).at);
  return null;
}

export function toReviewRow(raw: unknown, nowMs: number): ReviewRow | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Raw;
  const subject = typeof r.subject === 'object' && r.subject !== null ? (r.subject as Raw) : r;
  const kind = subject.kind;
  const id = str(subject.id);
  if ((kind !== 'objective' && kind !== 'kpi' && kind !== 'goal') || id === null) return null;
  const dueAt = time(r.dueAt ?? r.due ?? r.nextDueAt);
  const overdue = typeof r.overdue === 'boolean' ? r.overdue : r.status === 'overdue' || (dueAt !== null && dueAt < nowMs);
  return {
    kind,
    id,
    name: str(r.name ?? subject.name) ?? id,
    owner: str(r.owner ?? subject.owner),
    cadence: str(r.cadence ?? r.review) ?? '',
    dueAt,
    overdue,
    lastCheckinAt: time(r.lastCheckinAt ?? r.lastCheckin ?? r.lastAt),
  };
}

/** Rows to show, overdue first, then soonest due. */
export function toReviewRows(body: unknown, nowMs: number): ReviewRow[] {
  const list = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? ((body as Raw).reviews ?? (body as Raw).due) : [];
  return (Array.isArray(list) ? list : [])
    .map((r) => toReviewRow(r, nowMs))
    .filter((r): r is ReviewRow => r !== null)
    .sort((a, b) => Number(b.overdue) - Number(a.overdue) || (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity));
}
