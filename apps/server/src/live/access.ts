import {
  kpiLinks,
  type Alert,
  type KpiDefinition,
  type Milestone,
  type Objective,
  type ObjectiveStatePatch,
  type ServerMessage,
} from '@northstar/shared';
import { encodeObjectives } from './frames.ts';

type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;

/**
 * What a restricted connection (a kiosk TV link to one board) may see: these KPIs, and the
 * objectives they roll up into. Fixed at the handshake; the client cannot widen it.
 */
export interface LiveAccess {
  kpis: ReadonlySet<string>;
  /** The objectives these KPIs roll up into, and every one above them. */
  objectives: ReadonlySet<string>;
}

/** Access to these KPIs and to the objectives above them, as the model stands now. */
export function liveAccess(
  kpiIds: ReadonlySet<string>,
  model: { kpis: readonly KpiDefinition[]; objectives: readonly Pick<Objective, 'id' | 'parent'>[] },
): LiveAccess {
  const parentOf = new Map(model.objectives.map((o) => [o.id, o.parent]));
  const objectives = new Set<string>();
  for (const k of model.kpis) {
    if (!kpiIds.has(k.id)) continue;
    for (const link of kpiLinks(k)) {
      // the objective and every one above it, guarding against a cycle
      for (let id: string | undefined = link.id; id !== undefined && !objectives.has(id); id = parentOf.get(id)) objectives.add(id);
    }
  }
  return { kpis: kpiIds, objectives };
}

/** The snapshot cut down to the access: its KPIs, their goals and alerts, and the objectives above them. */
export function restrictSnapshot(message: SnapshotMessage, access: LiveAccess): SnapshotMessage {
  const kpis = message.kpis.filter((k) => access.kpis.has(k.definition.id));
  const objectives = access.objectives;
  const seqs = message.seqs ? Object.fromEntries(Object.entries(message.seqs).filter(([id]) => access.kpis.has(id))) : undefined;
  return {
    ...message,
    objectives: message.objectives.filter((o) => objectives.has(o.definition.id)),
    kpis,
    goals: message.goals.filter((g) => access.kpis.has(g.kpi)),
    alerts: message.alerts.filter((a) => access.kpis.has(a.kpi)),
    ...(seqs ? { seqs } : {}),
  };
}

/** The objective states (or their patches) a restricted connection may see, encoded for a delta frame. */
export function visibleObjectives(states: readonly ObjectiveStatePatch[], access: LiveAccess): string {
  return encodeObjectives(states.filter((o) => access.objectives.has(o.id)));
}

export function mayReceive(access: LiveAccess | undefined, message: ServerMessage): boolean {
  if (!access) return true;
  if (message.type === 'alert') return access.kpis.has((message.alert as Alert).kpi);
  if (message.type === 'milestone') {
    const m: Milestone = message.milestone;
    return m.kind === 'kpi' && access.kpis.has(m.id);
  }
  return true;
}
