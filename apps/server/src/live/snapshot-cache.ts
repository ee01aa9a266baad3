import type { ServerMessage } from '@northstar/shared';
import type { LiveJournal } from './journal.ts';
import { Outgoing } from './outgoing.ts';

export type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;

/** Connections build the same snapshot in bursts (a wall of TVs after a deploy): reuse it this long if nothing changed. */
export const SNAPSHOT_REUSE_MS = 1_000;

/**
 * The snapshot frame a new, recovering or lagging client gets: the wall's state as the wall
 * service assembles it, numbered from the journal so the deltas that follow patch it, and
 * encoded once for every client that asks while nothing changed.
 */
export class SnapshotCache {
  readonly #source: () => SnapshotMessage;
  readonly #journal: LiveJournal;
  readonly #reuseMs: number;
  #objectivesVersion = 0;
  #cached: { key: string; builtAt: number; frame: Outgoing; message: SnapshotMessage } | undefined;

  constructor(source: () => SnapshotMessage, journal: LiveJournal, opts: { reuseMs?: number } = {}) {
    this.#source = source;
    this.#journal = journal;
    this.#reuseMs = opts.reuseMs ?? SNAPSHOT_REUSE_MS;
  }

  /** Objective states went out: a cached snapshot no longer holds the newest. */
  objectivesChanged(): void {
    this.#objectivesVersion += 1;
  }

  /** `built`: a snapshot just taken from the source, to encode and cache instead of taking another. */
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
    message.seqs = this.#journal.seqs(message.kpis.map((k) => k.definition.id));
    message.cursor = this.#journal.cursor;
    this.#cached = { key, builtAt: nowMs, frame: new Outgoing(JSON.stringify(message)), message };
    return this.#cached;
  }
}
