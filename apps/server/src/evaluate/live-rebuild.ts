import type { KpiDefinition } from '@northstar/shared';
import type { CountLedger } from './count-ledger.ts';
import type { KpiEvaluator } from './evaluator.ts';
import { rebuildFromStore } from './rebuild.ts';
import type { WindowReads } from './window-reads.ts';

export interface LiveRebuildDeps {
  evaluator: Pick<KpiEvaluator, 'definitions' | 'windowOf' | 'noteLastEvent' | 'partialsFrom'>;
  ledger: Pick<CountLedger, 'hold' | 'holding' | 'release'>;
  reads: WindowReads;
  /** Resolves once every write holding events ingest took before the call has settled. */
  drain: () => Promise<void>;
}

/**
 * Gives KPIs fresh windows rebuilt from the store while events keep arriving, counting
 * each event once: the line is the moment the rebuild starts. Events taken before it are
 * read from the store (after the writes holding them have settled); events taken after
 * it are held by the ledger meanwhile and counted when the KPI goes live again.
 */
export async function rebuildLive(deps: LiveRebuildDeps, defs: readonly KpiDefinition[]): Promise<void> {
  if (defs.length === 0) return;
  const { evaluator, ledger, reads } = deps;
  const holds = defs.map((def) => ledger.hold(def, Date.now()));
  try {
    await deps.drain();
    const now = Date.now();
    // A KPI changed again (or repaired) while this ran has a later hold and line: that
    // rebuild reads what this one would have counted, so this one leaves it alone. Checked
    // right before each read, so no window is seeded twice and no hold is ended early.
    for (const hold of holds) if (ledger.holding(hold)) await rebuildFromStore(reads, evaluator, now, [hold.kpiId], hold.line);
  } finally {
    for (const hold of holds) ledger.release(hold);
  }
}

/** The live rebuild as one function of the KPIs, for whoever needs KPIs rebuilt (a repair, a model change). */
export function liveRebuilder(deps: LiveRebuildDeps): (defs: readonly KpiDefinition[]) => Promise<void> {
  return (defs) => rebuildLive(deps, defs);
}
