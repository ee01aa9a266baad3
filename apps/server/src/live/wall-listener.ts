import type { Alert, KpiState, Milestone, ObjectiveState, SeriesPoint } from '@northstar/shared';

/**
 * What the wall service tells whoever shows the wall (the hub): every change goes out
 * through one of these, so nothing else reaches the hub's clients.
 */
export interface WallListener {
  /** KPI states and sparklines that changed, and the objective roll-ups that did. */
  publish(
    states: readonly KpiState[],
    sparks: ReadonlyArray<{ id: string; points: SeriesPoint[] }>,
    objectives?: readonly ObjectiveState[],
  ): void;
  alertChanged(alert: Alert): void;
  celebrate(milestone: Milestone): void;
  /** The model changed: the whole wall is to be sent again. */
  resync(): void;
}
