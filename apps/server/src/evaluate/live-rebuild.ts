import type { ClickHouseClient } from '@clickhouse/client';
import type { KpiDefinition, MetricEvent } from '@northstar/shared';
import type { KpiEvaluator } from './evaluator.ts';
import { rebuildFromStore } from './rebuild.ts';

/** What a rebuild needs of ingest to draw one line between "read from the store" and "counted live". */
export interface IngestBarrier {
  /** Resolves once every write holding events taken before the call has settled. */
  drain(): Promise<void>;
  /** When ingest took the event (the `received_at` it is stored with); undefined if it did not come through ingest. */
  acceptedAt(e: MetricEvent): number | undefined;
}

export interface LiveRebuildDeps {
  evaluator: KpiEvaluator;
  clickhouse: ClickHouseClient;
  ingest: IngestBarrier;
}

/**
 * Gives KPIs fresh windows rebuilt from the store while events keep arriving, counting
 * each event once: the line is the moment the rebuild starts. Events taken before it are
 * read from the store (after the writes holding them have settled); events taken after
 * it are held by the evaluator meanwhile and counted when the KPI goes live again.
 */
export async function rebuildLive(deps: LiveRebuildDeps, defs: readonly KpiDefinition[]): Promise<void> {
  if (defs.length === 0) return;
  const { evaluator, clickhouse, ingest } = deps;
  const line = Date.now();
  for (const def of defs) evaluator.upsert(def, { live: false });
  const ids = defs.map((d) => d.id);
  // A KPI changed again (or repaired) while this ran has a new window and a later line: that
  // rebuild reads what this one would have counted, so this one leaves it alone. Checked
  // right before each read, so no window is seeded twice and no hold is ended early.
  const windows = new Map(ids.map((id) => [id, evaluator.windowOf(id)]));
  const ours = (id: string) => evaluator.windowOf(id) === windows.get(id);
  try {
    await ingest.drain();
    const now = Date.now();
    for (const id of ids) if (ours(id)) await rebuildFromStore(clickhouse, evaluator, now, [id], line);
  } finally {
    for (const id of ids) if (ours(id)) evaluator.activate(id, (e) => (ingest.acceptedAt(e) ?? line) >= line);
  }
}
