import { Counter, type Registry } from 'prom-client';
import type { ObjectiveState, ServerMessage } from '@northstar/shared';
import { visibleObjectives } from './access.ts';
import type { Client } from './client.ts';
import { buildDelta, encodeObjectives, wholeObjectives, wholeUpdate } from './frames.ts';
import type { LiveJournal } from './journal.ts';
import { Outgoing } from './outgoing.ts';
import { sendNewestAlerts } from './resume.ts';
import { EVERYTHING } from './subscription.ts';

/**
 * Above this share of its scope changed, a client that fell behind is caught up with the
 * snapshot (reused and compressed once for every client that asks within a second,
 * snapshot-cache.ts) rather than a delta of whole updates built for its position alone.
 */
export const SNAPSHOT_ABOVE_SHARE = 0.5;

export interface CatchUpDeps {
  journal: LiveJournal;
  /** Every objective's newest state as sent (objectives never sent are as the client's snapshot gave them). */
  objectives: () => Iterable<ObjectiveState>;
  /** KPIs in the whole scope (a client with no subscription follows them all). */
  kpiCount: () => number;
  send: (client: Client, frame: Outgoing | string, type: ServerMessage['type']) => void;
  sendSnapshot: (client: Client) => void;
  registry: Registry;
}

/**
 * A client that fell behind was sent nothing while it was behind; once it reads again it is
 * sent, in one frame, the newest update of each KPI that changed since the last frame it was
 * sent (whole: the journal keeps only the newest per KPI, which is all it needs), every
 * objective's newest state, and the alert changes it missed; or a snapshot when most of its
 * scope changed (cheaper: it is shared) or the journal cannot tell (a model change). Either
 * way it ends holding what a client that read every frame holds.
 */
export class CatchUp {
  readonly #deps: CatchUpDeps;
  readonly #count: Counter<'kind'>;

  constructor(deps: CatchUpDeps) {
    this.#deps = deps;
    this.#count = new Counter({
      name: 'northstar_ws_catch_ups_total',
      help: 'WebSocket clients that fell behind and were caught up once they read again, by what they were sent (delta: the latest of what changed; snapshot)',
      labelNames: ['kind'],
      registers: [deps.registry],
    });
  }

  /** `shared`: frames built in this round, by position and scope, for clients that fell behind together. */
  catchUp(client: Client, nowMs: number, shared: Map<string, Outgoing | null>): void {
    const cursor = client.heldCursor;
    client.needsSnapshot = false;
    client.heldCursor = 0;
    const sub = client.sub;
    const plan = cursor > 0 ? this.#deps.journal.changedSince(cursor, (id) => !sub || sub.includes(id)) : undefined;
    // a client with no subscription follows every KPI
    const scopeSize = sub?.ids?.size ?? this.#deps.kpiCount();
    // a kiosk's snapshot is built for it alone: a delta is cheaper whatever it holds
    const tooMany = !client.access && plan?.kind === 'replay' && plan.kpis.length > scopeSize * SNAPSHOT_ABOVE_SHARE;
    if (!plan || plan.kind === 'snapshot' || tooMany) {
      this.#count.inc({ kind: 'snapshot' });
      return this.#deps.sendSnapshot(client);
    }
    this.#count.inc({ kind: 'delta' });
    const key = `${cursor}:${client.access ? 'kiosk:' : ''}${sub?.key ?? EVERYTHING}`;
    let frame = shared.get(key);
    if (frame === undefined) {
      const objectives = wholeObjectives(this.#deps.objectives());
      // a kiosk sees only the objectives above its board (the same for every kiosk of one scope)
      const objectivesJson = client.access ? visibleObjectives(objectives, client.access) : encodeObjectives(objectives);
      const delta = buildDelta(plan.kpis.map(wholeUpdate), objectivesJson, { nowMs });
      frame = delta && new Outgoing(delta);
      shared.set(key, frame);
    }
    if (frame) this.#deps.send(client, frame, 'delta');
    sendNewestAlerts(this.#deps.send, client, plan.alerts);
  }
}
