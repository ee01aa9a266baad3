import {
  kpiUpdate,
  objectivePatch,
  type KpiState,
  type ObjectiveState,
  type ObjectiveStatePatch,
  type SeriesPoint,
  type ServerMessage,
} from '@northstar/shared';
import type { Registry } from 'prom-client';
import { mayReceive, visibleObjectives } from './access.ts';
import type { Backpressure } from './backpressure.ts';
import { CatchUp } from './catch-up.ts';
import type { Client } from './client.ts';
import { buildDelta, encodeObjectives, encodeUpdate, type EncodedUpdate } from './frames.ts';
import type { LiveJournal } from './journal.ts';
import { Outgoing } from './outgoing.ts';
import type { SnapshotCache } from './snapshot-cache.ts';
import { EVERYTHING } from './subscription.ts';

/** A KPI's changes since the last frame; the latest of each part wins. */
interface PendingChange {
  state?: KpiState;
  spark?: SeriesPoint[];
}

export interface FanOutDeps {
  journal: LiveJournal;
  clients: Iterable<Client>;
  backpressure: Backpressure;
  snapshots: SnapshotCache;
  /** The least time between two frames to a client: updates in between coalesce to the latest per KPI. */
  frameIntervalMs: number;
  send: (client: Client, frame: Outgoing | string, type: ServerMessage['type']) => void;
  sendSnapshot: (client: Client) => void;
  registry: Registry;
}

/**
 * Coalescing and fan-out: changes queue until the next frame (the latest state per KPI
 * wins), at most one frame per `frameIntervalMs`. Sequence numbers are given as a frame goes
 * out, so every client that keeps up holds the previous frame's updates and a change travels
 * as a patch of them. Each update is serialised once per frame, and each frame once per
 * distinct subscription, shared by every client with that subscription. A client that falls
 * behind (backpressure.ts) is sent nothing more until it reads again, then the latest of
 * what changed in one frame (catch-up.ts): a slow screen shows the newest state, not a backlog.
 */
export class FanOut {
  readonly #deps: FanOutDeps;
  readonly #pending = new Map<string, PendingChange>();
  readonly #pendingObjectives = new Map<string, ObjectiveState>();
  readonly #catchUp: CatchUp;
  #timer: NodeJS.Timeout | undefined;
  #lastFlushAt = 0;

  constructor(deps: FanOutDeps) {
    this.#deps = deps;
    this.#catchUp = new CatchUp({
      journal: deps.journal,
      objectives: () => deps.journal.objectives(),
      kpiCount: () => deps.snapshots.kpiCount,
      send: deps.send,
      sendSnapshot: deps.sendSnapshot,
      registry: deps.registry,
    });
  }

  queue(
    states: readonly KpiState[],
    sparks: ReadonlyArray<{ id: string; points: SeriesPoint[] }>,
    objectives: readonly ObjectiveState[],
  ): void {
    for (const state of states) {
      const queued = this.#pending.get(state.id);
      if (queued) queued.state = state;
      else this.#pending.set(state.id, { state });
    }
    for (const { id, points } of sparks) {
      const queued = this.#pending.get(id);
      if (queued) queued.spark = points;
      else this.#pending.set(id, { spark: points });
    }
    for (const o of objectives) this.#pendingObjectives.set(o.id, o);
    if (states.length > 0 || sparks.length > 0 || objectives.length > 0) this.#schedule();
  }

  /** Leading edge: the first change after a quiet spell goes out at once, later ones wait out the interval. */
  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastFlushAt + this.#deps.frameIntervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#flush(Date.now());
    }, wait);
    this.#timer.unref();
  }

  #flush(nowMs: number): void {
    this.#lastFlushAt = nowMs;
    if (this.#pending.size === 0 && this.#pendingObjectives.size === 0) return;
    const { journal, backpressure } = this.#deps;
    // a client that falls behind now was sent everything up to here
    const heldCursor = journal.cursor;
    // numbered now, as they go out: each patches what the previous frame (or a snapshot since) gave
    const updates: EncodedUpdate[] = [];
    for (const [id, change] of this.#pending) {
      const prev = journal.get(id);
      const before = prev && { seq: prev.seq, state: prev.state, spark: prev.spark };
      const entry = journal.recordKpi(id, change);
      updates.push(encodeUpdate(kpiUpdate(id, entry.seq, before, change)));
    }
    // only the fields that changed: every client holds the state last sent (or a newer one
    // from a snapshot, which these fields bring to the same place)
    const pendingObjectives: ObjectiveStatePatch[] = [];
    for (const o of this.#pendingObjectives.values()) {
      const patch = objectivePatch(journal.objective(o.id), o);
      journal.recordObjective(o);
      if (patch) pendingObjectives.push(patch);
    }
    // a snapshot taken from now on holds them
    if (pendingObjectives.length > 0) this.#deps.snapshots.objectivesChanged();
    const objectivesJson = encodeObjectives(pendingObjectives);
    this.#pending.clear();
    this.#pendingObjectives.clear();
    const frames = new Map<string, Outgoing | null>();
    const build = (key: string, client: Client | undefined): Outgoing | null => {
      let frame = frames.get(key);
      if (frame === undefined) {
        const objectives = client?.access ? visibleObjectives(pendingObjectives, client.access) : objectivesJson;
        const delta = buildDelta(updates, objectives, { ids: client?.sub?.ids, nowMs });
        frame = delta && new Outgoing(delta);
        frames.set(key, frame);
      }
      return frame;
    };
    // before any client is sent anything: a client caught up in the loop below with a reused
    // snapshot gets this frame after it (snapshot-cache.ts)
    if (this.#deps.snapshots.wantsDeltas) {
      const whole = build(EVERYTHING, undefined);
      if (whole) this.#deps.snapshots.deltaSent(whole);
    }
    const catchUps = new Map<string, Outgoing | null>();
    for (const client of this.#deps.clients) {
      if (client.awaiting) continue;
      if (backpressure.lagging(client, nowMs)) {
        // drop to latest: skip deltas, catch up with what changed once it reads again
        backpressure.fellBehind(client, heldCursor);
        continue;
      }
      if (client.needsSnapshot) {
        this.#catchUp.catchUp(client, nowMs, catchUps);
        backpressure.probe(client, nowMs);
        continue;
      }
      // a kiosk sees only the objectives above its board, so its frames are built apart
      const frame = build(`${client.access ? 'kiosk:' : ''}${client.sub?.key ?? EVERYTHING}`, client);
      if (!frame) continue;
      this.#deps.send(client, frame, 'delta');
      // a client sent nothing cannot be behind on it
      backpressure.probe(client, nowMs);
    }
  }

  /**
   * Every client is about to get a snapshot (the model changed): changes not yet sent go into
   * the journal without a frame, so the snapshot holds them, and queued frames are dropped.
   */
  absorbPending(): void {
    for (const [id, change] of this.#pending) this.#deps.journal.recordKpi(id, change);
    // the snapshot holds them
    for (const o of this.#pendingObjectives.values()) this.#deps.journal.recordObjective(o);
    this.#pending.clear();
    this.#pendingObjectives.clear();
  }

  /**
   * One message to every client that may see it; a lagging one catches up later instead
   * (catch-up.ts: the journal holds each alert's newest change; a heartbeat only says the
   * server is there), unless the message is `undroppable`: the journal keeps milestones for
   * resumes only, so a milestone goes to a lagging client too (a few hundred bytes, a few a
   * quarter; a client that never drains is still evicted).
   */
  broadcast(message: ServerMessage, opts: { skipAwaiting?: boolean; undroppable?: boolean } = {}): void {
    const frame = new Outgoing(JSON.stringify(message));
    const now = Date.now();
    // an alert is numbered in the journal before it goes out: a client that misses it held what came before
    const heldCursor = message.type === 'alert' && message.seq ? message.seq - 1 : this.#deps.journal.cursor;
    for (const client of this.#deps.clients) {
      if (opts.skipAwaiting && client.awaiting) continue;
      if (!mayReceive(client.access, message)) continue;
      // piling more on a lagging client helps nobody
      if (this.#deps.backpressure.lagging(client, now) && !opts.undroppable) this.#deps.backpressure.fellBehind(client, heldCursor);
      else this.#deps.send(client, frame, message.type);
    }
  }

  close(): void {
    clearTimeout(this.#timer);
  }
}
