import type { KpiDefinition, Objective } from '@northstar/shared';
import { liveAccess, type LiveAccess } from '../live/access.ts';

interface BoardModel {
  boards: ReadonlyArray<{ id: string; kpis: readonly string[] }>;
  kpis: readonly KpiDefinition[];
  objectives: readonly Pick<Objective, 'id' | 'parent'>[];
}

/**
 * What a kiosk link to a board may see on the live connection: the board's KPIs (every
 * KPI when the board lists none) and the objectives above them; null for an unknown board.
 */
export function boardAccess(model: BoardModel): (boardId: string) => LiveAccess | null {
  return (boardId) => {
    const board = model.boards.find((b) => b.id === boardId);
    if (!board) return null;
    return liveAccess(new Set(board.kpis.length > 0 ? board.kpis : model.kpis.map((k) => k.id)), model);
  };
}
