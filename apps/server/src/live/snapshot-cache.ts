import type { ServerMessage } from '@northstar/shared';
import type { LiveJournal } from './journal.ts';
import { Outgoing } from './outgoing.ts';

export type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;

/** Connections build the same snapshot in bursts (a wall of TVs after a deploy): reuse it this long if nothing changed. */
export const SNAPSHOT_REUSE_MS = 1_000;
/**
 * Deltas a reused snapshot may be followed by; past this a fresh snapshot is cheaper to send.
 * At one frame per 100 ms a second's reuse needs about ten.
 */
export const SNAPSHOT_TAIL_FRAMES = 20;

interface Cached {
  key: string;
  builtAt: number;
  frame: Outgoing;
  message: SnapshotMessage;
  /** The whole-scope deltas sent since it was built, oldest first: they bring its holder to now. */
  tail: Outgoing[];
  /** The journal's cursor after the last of them: anything else numbered since (an alert, a resync) ends the reuse. */
  tailCursor: number;
}

/**
 * The snapshot frame a new, recovering or lagging client gets: the wall's state as the wall
 * service assembles it, numbered from the journal so the deltas that follow patch it, and
 * encoded once for every client that asks while nothing changed.
 *
 * With frames going out ten times a second "nothing changed" rarely lasts, and each rebuild
 * (hundreds of KiB of JSON, deflated) for a wall of screens connecting at once was most of
 * the main thread's time. So `frames()` reuses a snapshot for up to SNAPSHOT_REUSE_MS and
 * follows it with the whole-scope deltas sent since, the very frames every connected client
 * applied: its holder ends where they are, and the next delta patches what it holds.
 */
export class SnapshotCache {
  readonly #source: () => SnapshotMessage;
  readonly #journal: LiveJournal;
  readonly #reuseMs: number;
  #objectivesVersion = 0;
  #cached: Cached | undefined;

  constructor(source: () => SnapshotMessage, journal: LiveJournal, opts: { reuseMs?: number } = {}) {
    this.#source = source;
    this.#journal = journal;
    this.#reuseMs = opts.reuseMs ?? SNAPSHOT_REUSE_MS;
  }

  /** Objective states went out: a cached snapshot no longer holds the newest. */
  objectivesChanged(): void {
    this.#objectivesVersion += 1;
  }

  /** KPIs in the newest snapshot taken: the whole scope's size (0 before the first). */
  get kpiCount(): number {
    return this.#cached?.message.kpis.length ?? 0;
  }

  /** Whether a delta frame for the whole scope is wanted for `deltaSent` (a snapshot is cached). */
  get wantsDeltas(): boolean {
    return this.#cached !== undefined;
  }

  /** A delta for the whole scope (every KPI, no kiosk) went out: a reused snapshot is followed by it. */
  deltaSent(frame: Outgoing): void {
    const cached = this.#cached;
    if (!cached) return;
    cached.tail.push(frame);
    cached.tailCursor = this.#journal.cursor;
  }

  /**
   * What brings a client that holds nothing to now, for every KPI: a snapshot and the deltas
   * since it (see the class comment). Not for a kiosk: the deltas are the whole scope's.
   */
  frames(nowMs: number): Outgoing[] {
    const c = this.#cached;
    if (c && c.tailCursor === this.#journal.cursor && nowMs - c.builtAt < this.#reuseMs && c.tail.length <= SNAPSHOT_TAIL_FRAMES) {
      return [c.frame, ...c.tail];
    }
    return [this.get(nowMs).frame];
  }

  /**
   * The snapshot as of now, numbered as the wire last carried each KPI. `built`: a snapshot
   * just taken from the source, to encode and cache instead of taking another.
   */
  get(nowMs: number, built?: SnapshotMessage): { frame: Outgoing; message: SnapshotMessage } {
    const key = `${this.#journal.cursor}:${this.#objectivesVersion}`;
    const cached = this.#cached;
    if (!built && cached && cached.key === key && nowMs - cached.builtAt < this.#reuseMs) return cached;
    const message = built ?? this.#source();
    // each KPI as the wire last carried it: a change still waiting for its frame is not in the
    // snapshot, so the patch that frame brings applies to what the snapshot gave
    for (const kpi of message.kpis) {
      const entry = this.#journal.get(kpi.definition.id);
      if (entry?.state) kpi.state = entry.state;
      if (entry?.spark) kpi.spark = entry.spark;
    }
    // objectives too: the next delta carries the fields that changed since the wire's state
    for (const o of message.objectives) {
      const sent = this.#journal.objective(o.definition.id);
      if (sent) o.state = sent;
    }
    message.seqs = this.#journal.seqs(message.kpis.map((k) => k.definition.id));
    message.cursor = this.#journal.cursor;
    this.#cached = {
      key,
      builtAt: nowMs,
      frame: new Outgoing(JSON.stringify(message)),
      message,
      tail: [],
      tailCursor: this.#journal.cursor,
    };
    return this.#cached;
  }
}
