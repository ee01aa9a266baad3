import { kpiLinks, type Alert, type Milestone, type ServerMessage } from '@northstar/shared';

type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;

/**
 * What a restricted connection (a kiosk TV link to one board) may see: these KPIs, and the
 * objectives they roll up into. Fixed at the handshake; the client cannot widen it.
 */
export interface LiveAccess {
  kpis: ReadonlySet<string>;
}

/** The snapshot cut down to the access: its KPIs, their goals and alerts, and the objectives above them. */
export function restrictSnapshot(message: SnapshotMessage, access: LiveAccess): SnapshotMessage {
  const kpis = message.kpis.filter((k) => access.kpis.has(k.definition.id));
  const parentOf = new Map(message.objectives.map((o) => [o.definition.id, o.definition.parent]));
  const objectives = new Set<string>();
  for (const k of kpis) {
    for (const link of kpiLinks(k.definition)) {
      // the objective and every one above it, guarding against a cycle
      for (let id: string | undefined = link.id; id !== undefined && !objectives.has(id); id = parentOf.get(id)) objectives.add(id);
    }
  }
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

export function mayReceive(access: LiveAccess | undefined, message: ServerMessage): boolean {
  if (!access) return true;
  if (message.type === 'alert') return access.kpis.has((message.alert as Alert).kpi);
  if (message.type === 'milestone') {
    const m: Milestone = message.milestone;
    return m.kind === 'kpi' && access.kpis.has(m.id);
  }
  return true;
}
