import { kpiMeasures, type KpiDefinition, type MetricEvent } from '@northstar/shared';

/** What the ledger needs of the evaluator: the one place counted events go. */
export interface CountSink {
  /** Adds events to every KPI reading their metric, except those upserted with `live: false`. */
  observe(events: readonly MetricEvent[]): void;
  /** A fresh window for a KPI; with `live: false` it takes no events until `activate`. */
  upsert(def: KpiDefinition, opts: { live: boolean }): void;
  /** Ends a KPI's hold: it takes events again, starting with these. */
  activate(kpiId: string, events: readonly MetricEvent[]): void;
  /** Ids of the live KPIs reading any of these metrics. */
  kpisReading(metrics: ReadonlySet<string>): string[];
  definition(id: string): KpiDefinition | undefined;
}

/**
 * How a source's events reach the wall: `grouped` (HTTP, where a tile should move within
 * 250 ms) counts before the insert returns; `batch` (Kafka, imports: a held batch is
 * retried until stored) counts after it.
 */
export type CountRoute = 'grouped' | 'batch';

/** A KPI being rebuilt from the store: the line between "read from the store" and "counted live". */
export interface Hold {
  readonly kpiId: string;
  readonly line: number;
}

interface HoldState extends Hold {
  readonly metrics: ReadonlySet<string>;
  readonly events: MetricEvent[];
}

/**
 * Per event: its stamp (stored as `received_at`, what a rebuild's line is compared with) and
 * whether the evaluator has it, kept on the event object under a symbol no one else knows.
 * A WeakMap would say the same, but adding an entry to one costs over a microsecond per
 * event on the ingest path against about 0.1 µs for a property (bench/count-ledger.ts).
 */
const ENTRY = Symbol('count-ledger entry');

interface Entry {
  at: number;
  counted: boolean;
}

type Tracked = MetricEvent & { [ENTRY]?: Entry };

function entryOf(e: MetricEvent): Entry | undefined {
  return (e as Tracked)[ENTRY];
}

function track(e: MetricEvent, entry: Entry): void {
  (e as Tracked)[ENTRY] = entry;
}

/** Events held for one KPI during a rebuild, at most; more are dropped (the rebuild takes milliseconds). */
export const HELD_EVENTS_MAX = 1_000_000;

/**
 * The one owner of "when does an event count": every event reaches the evaluator through
 * here, exactly once. Pure: no I/O, no clock, no timers; its callers tell it what happened.
 *
 * - Taken (HTTP): an event without an id counts at once (nothing to check first), unless
 *   the path is degraded. Taken, and again at each write attempt until it counts, it is
 *   stamped: the `received_at` a rebuild's line is compared with.
 * - Admitted (the store said its id is new): a grouped event counts before its insert
 *   returns, unless degraded; a batch event waits.
 * - Inserted: whatever has not counted yet counts now.
 * - Insert failed: the KPIs that counted its events are marked for a repair, and the path
 *   is `degraded` (events count only once stored, so a producer's retries are not counted
 *   on top of the attempts that failed) until a write succeeded again and those KPIs were
 *   rebuilt from the store.
 * - Held: while a KPI is rebuilt from the store (`hold`), its events wait; on `release`
 *   those taken at or after the rebuild's line count, the rest the store read.
 */
export class CountLedger {
  readonly #sink: CountSink;
  readonly #holds = new Map<string, HoldState>();
  /** KPIs that counted events whose insert then failed: rebuilt once the store takes writes again. */
  readonly #dirty = new Set<string>();
  #failedSinceSuccess = false;
  #repairing = false;
  /** The latest stamp and the latest line: stamps and lines are kept in the order they happened, even within one millisecond. */
  #lastStamp = -Infinity;
  #lastLine = -Infinity;
  #repairDue: (() => void) | undefined;

  constructor(sink: CountSink) {
    this.#sink = sink;
  }

  /** True from a failed insert until a later write succeeded and the KPIs it touched were rebuilt. */
  get degraded(): boolean {
    return this.#failedSinceSuccess || this.#dirty.size > 0 || this.#repairing;
  }

  /** Ingest took these events at `nowMs` (a retried batch keeps its first stamp). */
  taken(events: readonly MetricEvent[], nowMs: number, route: CountRoute): void {
    const at = this.#stamp(nowMs);
    for (const e of events) if (!entryOf(e)) track(e, { at, counted: false });
    if (route !== 'grouped' || this.degraded) return;
    // an event without an id cannot be a repeat the store would drop
    this.#count(events.filter((e) => e.id === '' && !this.#counted(e)));
  }

  /** Whether the event counted (a repeat of a stored id never does). */
  counted(e: MetricEvent): boolean {
    return this.#counted(e);
  }

  /** When ingest took the event (its `received_at`); undefined if it did not come through ingest. */
  takenAt(e: MetricEvent): number | undefined {
    return entryOf(e)?.at;
  }

  /**
   * A write attempt of these events starts at `nowMs`: those not counted yet are stamped
   * with it. A rebuild waits only for the writes in flight when it starts, so an attempt
   * that starts later (a Kafka batch retried after a failure, a halved part) must carry a
   * time at or after its line: the store read leaves it out and the hold counts it. With
   * its first stamp it was neither read nor counted (seen with a Kafka retry during a
   * rebuild). An event counted already keeps its stamp: it is in a window, and if this
   * attempt fails its KPIs are repaired.
   */
  attempting(events: readonly MetricEvent[], nowMs: number): void {
    const at = this.#stamp(nowMs);
    for (const e of events) {
      const entry = entryOf(e);
      if (!entry) track(e, { at, counted: false });
      else if (!entry.counted) entry.at = at;
    }
  }

  /** The store said these events are new; their insert starts now. */
  admitted(fresh: readonly MetricEvent[], route: CountRoute): void {
    if (route !== 'grouped' || this.degraded) return;
    this.#count(fresh.filter((e) => !this.#counted(e)));
  }

  /** Their insert failed: the KPIs that counted any of them are rebuilt once writes succeed again. */
  insertFailed(fresh: readonly MetricEvent[]): void {
    this.#failedSinceSuccess = true;
    const metrics = new Set<string>();
    for (const e of fresh) if (this.#counted(e)) metrics.add(e.metric);
    if (metrics.size === 0) return;
    for (const id of this.#sink.kpisReading(metrics)) this.#dirty.add(id);
  }

  /** Their insert returned: what has not counted yet counts, and a repair may start. */
  inserted(fresh: readonly MetricEvent[]): void {
    if (fresh.length === 0) return;
    this.#count(fresh.filter((e) => !this.#counted(e)));
    this.#failedSinceSuccess = false;
    if (this.#dirty.size > 0 && !this.#repairing) this.#repairDue?.();
  }

  /** Called when a repair can start (a write succeeded while KPIs are marked); one listener. */
  onRepairDue(listener: () => void): void {
    this.#repairDue = listener;
  }

  /**
   * The marked KPIs, if a repair can start now (the store took a write since the last
   * failure, none is running): they count as repairing until `repairEnded`.
   */
  startRepair(): KpiDefinition[] | undefined {
    if (this.#repairing || this.#failedSinceSuccess || this.#dirty.size === 0) return undefined;
    const defs = [...this.#dirty].flatMap((id) => this.#sink.definition(id) ?? []);
    this.#dirty.clear();
    this.#repairing = true;
    return defs;
  }

  /** A repair finished; a failed one marks its KPIs again. */
  repairEnded(defs: readonly KpiDefinition[], ok: boolean): void {
    this.#repairing = false;
    if (!ok) for (const d of defs) this.#dirty.add(d.id);
  }

  /**
   * A KPI is rebuilt from the store, reading events stamped before the hold's `line` (`nowMs`,
   * or just after the latest stamp when that is later: events stamped within the same
   * millisecond before the hold are read, not lost). It gets a fresh window that counts
   * nothing meanwhile, and its events are held here. A later hold of the same KPI replaces
   * this one (its rebuild reads what this one held).
   */
  hold(def: KpiDefinition, nowMs: number): Hold {
    const line = Math.max(nowMs, this.#lastStamp + 1);
    this.#lastLine = Math.max(this.#lastLine, line);
    const hold: HoldState = { kpiId: def.id, line, metrics: new Set(kpiMeasures(def).map((m) => m.metric)), events: [] };
    this.#sink.upsert(def, { live: false });
    this.#holds.set(def.id, hold);
    return hold;
  }

  /** Whether this hold is still the KPI's (no later rebuild took it over): only then may its rebuild seed the window. */
  holding(hold: Hold): boolean {
    return this.#holds.get(hold.kpiId) === hold;
  }

  /** The rebuild is done: held events taken at or after its line count (the store read the others). */
  release(hold: Hold): void {
    const current = this.#holds.get(hold.kpiId);
    if (current !== hold) return;
    this.#holds.delete(hold.kpiId);
    const unread = current.events.filter((e) => (entryOf(e)?.at ?? hold.line) >= hold.line);
    this.#sink.activate(hold.kpiId, unread);
  }

  /** A stamp at `nowMs`, but never before a line already drawn: what is stamped after a hold is counted by it. */
  #stamp(nowMs: number): number {
    const at = Math.max(nowMs, this.#lastLine);
    this.#lastStamp = Math.max(this.#lastStamp, at);
    return at;
  }

  #counted(e: MetricEvent): boolean {
    return entryOf(e)?.counted === true;
  }

  #count(events: readonly MetricEvent[]): void {
    if (events.length === 0) return;
    for (const e of events) {
      const entry = entryOf(e);
      if (entry) entry.counted = true;
      else track(e, { at: this.#lastStamp, counted: true });
    }
    for (const hold of this.#holds.values()) {
      for (const e of events) if (hold.metrics.has(e.metric) && hold.events.length < HELD_EVENTS_MAX) hold.events.push(e);
    }
    this.#sink.observe(events);
  }
}
