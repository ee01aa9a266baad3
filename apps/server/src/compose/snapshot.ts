import type { Alert, KpiDefinition, KpiState, Objective, ObjectiveState, SeriesPoint, ServerMessage } from '@northstar/shared';

export type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;

export interface SnapshotSources {
  model: { readonly objectives: readonly Objective[]; readonly kpis: readonly KpiDefinition[]; readonly goals: SnapshotMessage['goals'] };
  evaluator: { state(kpiId: string): KpiState | undefined; spark(kpiId: string): SeriesPoint[] };
  objectives: { objectiveState(id: string): ObjectiveState | undefined };
  alerts: { list(nowMs: number): Alert[] };
}

/** The whole wall at `nowMs` as a new or resyncing client first sees it: definitions with their live state. */
export function wallSnapshot(src: SnapshotSources, nowMs: number): SnapshotMessage {
  return {
    type: 'snapshot',
    serverTime: nowMs,
    objectives: src.model.objectives.flatMap((definition) => {
      const state = src.objectives.objectiveState(definition.id);
      return state ? [{ definition, state }] : [];
    }),
    kpis: src.model.kpis.flatMap((definition) => {
      const state = src.evaluator.state(definition.id);
      return state ? [{ definition, state, spark: src.evaluator.spark(definition.id) }] : [];
    }),
    goals: src.model.goals,
    alerts: src.alerts.list(nowMs),
  };
}
