import type { Alert, KpiSeqs, KpiState, Milestone, ObjectiveState, SeriesPoint } from '@northstar/shared';

/** The newest update of one KPI and the sequence numbers of its last few. */
export interface JournalEntry {
  id: string;
  seq: number;
  state: KpiState | undefined;
  spark: SeriesPoint[] | undefined;
  /** Sequence numbers of the most recent updates, oldest first, at most `historyPerKpi`. */
  recent: number[];
  /** Older updates were forgotten: a client behind `recent[0]` cannot be caught up from here. */
  truncated: boolean;
}

export type ResumePlan =
  | { kind: 'snapshot'; reason: 'instance' | 'model-changed' | 'gap-too-large' | 'alerts-forgotten' }
  | { kind: 'replay'; kpis: JournalEntry[]; alerts: Alert[] };

/** Per KPI: enough to tell a small gap from a large one. */
export const SEQ_HISTORY_PER_KPI = 64;
/** Alert changes remembered for resuming clients; more than this during a disconnect means a snapshot. */
export const ALERT_HISTORY = 256;
/**
 * Milestones remembered for resuming clients. A snapshot does not hold them, so one reached
 * while a wall was away reaches it on resume; a few a quarter per KPI, so older ones are old news.
 */
export const MILESTONE_HISTORY = 32;

/**
 * Sequence numbers for one server instance. They come from one counter, so each KPI's
 * rise monotonically and a client's highest number is also a position in the whole
 * stream (the "cursor") that model changes and alerts can be compared with.
 */
export class LiveJournal {
  readonly #kpis = new Map<string, JournalEntry>();
  readonly #alerts: Array<{ seq: number; alert: Alert }> = [];
  readonly #milestones: Array<{ seq: number; milestone: Milestone }> = [];
  /** Each objective's state as the wire last carried it (unnumbered: a catch-up or replay sends them all). */
  readonly #objectives = new Map<string, ObjectiveState>();
  readonly #historyPerKpi: number;
  readonly #alertHistory: number;
  #seq = 0;
  #resyncSeq = 0;
  /** The newest alert change no longer remembered. */
  #forgottenAlertSeq = 0;

  constructor(opts: { historyPerKpi?: number; alertHistory?: number } = {}) {
    this.#historyPerKpi = opts.historyPerKpi ?? SEQ_HISTORY_PER_KPI;
    this.#alertHistory = opts.alertHistory ?? ALERT_HISTORY;
  }

  get cursor(): number {
    return this.#seq;
  }

  get(id: string): JournalEntry | undefined {
    return this.#kpis.get(id);
  }

  entries(): IterableIterator<JournalEntry> {
    return this.#kpis.values();
  }

  /** A KPI's state, sparkline or both changed and went out in a frame: the next number is its. */
  recordKpi(id: string, change: { state?: KpiState; spark?: SeriesPoint[] }): JournalEntry {
    const seq = ++this.#seq;
    let entry = this.#kpis.get(id);
    if (!entry) {
      entry = { id, seq, state: undefined, spark: undefined, recent: [], truncated: false };
      this.#kpis.set(id, entry);
    }
    entry.seq = seq;
    if (change.state) entry.state = change.state;
    if (change.spark) entry.spark = change.spark;
    entry.recent.push(seq);
    if (entry.recent.length > this.#historyPerKpi) {
      entry.recent.shift();
      entry.truncated = true;
    }
    return entry;
  }

  /** An objective's state went out (a delta carried what changed in it, or a snapshot all of it). */
  recordObjective(state: ObjectiveState): void {
    this.#objectives.set(state.id, state);
  }

  /** An objective's state as the wire last carried it; undefined if none went out since this instance started. */
  objective(id: string): ObjectiveState | undefined {
    return this.#objectives.get(id);
  }

  objectives(): IterableIterator<ObjectiveState> {
    return this.#objectives.values();
  }

  recordAlert(alert: Alert): number {
    const seq = ++this.#seq;
    // an alert's newest state replaces its older ones: a client that missed both needs only
    // this one, and a firing alert whose figures follow its KPI does not crowd others out
    const older = this.#alerts.findIndex((a) => a.alert.key === alert.key);
    if (older >= 0) this.#alerts.splice(older, 1);
    this.#alerts.push({ seq, alert });
    if (this.#alerts.length > this.#alertHistory) this.#forgottenAlertSeq = this.#alerts.shift()!.seq;
    return seq;
  }

  recordMilestone(milestone: Milestone): number {
    const seq = ++this.#seq;
    this.#milestones.push({ seq, milestone });
    if (this.#milestones.length > MILESTONE_HISTORY) this.#milestones.shift();
    return seq;
  }

  /** The milestones reached after a client's position (its cursor or its newest KPI number), oldest first. */
  milestonesAfter(have: KpiSeqs, clientCursor: number | undefined): Milestone[] {
    const cursor = resumeCursor(have, clientCursor);
    return this.#milestones.filter((m) => m.seq > cursor).map((m) => m.milestone);
  }

  /** The model changed and every client got a snapshot: a client from before it needs one too. */
  recordResync(keep: ReadonlySet<string>): number {
    for (const id of this.#kpis.keys()) if (!keep.has(id)) this.#kpis.delete(id);
    this.#resyncSeq = ++this.#seq;
    return this.#resyncSeq;
  }

  seqs(ids: Iterable<string>): KpiSeqs {
    const out: KpiSeqs = {};
    for (const id of ids) {
      const e = this.#kpis.get(id);
      if (e) out[id] = e.seq;
    }
    return out;
  }

  /**
   * What a reconnecting client of this instance needs: the newest update of each KPI in
   * its scope that is newer than what it has, and the alert changes after its cursor;
   * or a snapshot when the journal cannot tell it everything.
   */
  plan(
    have: KpiSeqs,
    clientCursor: number | undefined,
    inScope: (id: string) => boolean,
    opts: { heldUpToCursor?: boolean } = {},
  ): ResumePlan {
    const cursor = resumeCursor(have, clientCursor);
    // a KPI it names no number for: nothing held, or (heldUpToCursor) whatever was newest at its cursor
    const heldByDefault = opts.heldUpToCursor ? cursor : 0;
    if (cursor < this.#resyncSeq) return { kind: 'snapshot', reason: 'model-changed' };
    if (this.#forgottenAlertSeq > cursor) return { kind: 'snapshot', reason: 'alerts-forgotten' };
    const kpis: JournalEntry[] = [];
    for (const entry of this.#kpis.values()) {
      if (!inScope(entry.id)) continue;
      const had = have[entry.id] ?? heldByDefault;
      if (entry.seq <= had) continue;
      // whole updates are sent either way; a resume's gap this old is answered with a snapshot
      if (!opts.heldUpToCursor && entry.truncated && had < entry.recent[0]!) return { kind: 'snapshot', reason: 'gap-too-large' };
      kpis.push(entry);
    }
    const alerts = this.#alerts.filter((a) => a.seq > cursor).map((a) => a.alert);
    return { kind: 'replay', kpis, alerts };
  }

  /**
   * What a connected client that was sent everything up to `cursor` (and then fell behind)
   * lacks: the newest update of each KPI in its scope numbered after it, and the alert changes
   * after it; or a snapshot when the journal cannot tell it everything (a model change since,
   * alerts forgotten). Unlike a resume's plan, no per-KPI numbers are needed: up to its cursor
   * it holds every KPI's newest update.
   */
  changedSince(cursor: number, inScope: (id: string) => boolean): ResumePlan {
    return this.plan({}, cursor, inScope, { heldUpToCursor: true });
  }
}

/** How far a client got in the stream: its cursor, or its newest KPI number if that is newer. */
function resumeCursor(have: KpiSeqs, clientCursor: number | undefined): number {
  let cursor = clientCursor ?? 0;
  for (const seq of Object.values(have)) if (seq > cursor) cursor = seq;
  return cursor;
}
