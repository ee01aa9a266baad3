import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { KpiDefinition } from '@northstar/shared';
import type { Settings } from '../config/settings.ts';
import { CountLedger } from '../evaluate/count-ledger.ts';
import { liveRebuilder } from '../evaluate/live-rebuild.ts';
import { rebuildFromStore } from '../evaluate/rebuild.ts';
import { Ingestor } from '../ingest/ingestor.ts';
import { PartialsCount } from '../ingest/partials-count.ts';
import { ObservedEvaluator } from '../live/observed-evaluator.ts';
import type { Metrics } from '../observe/metrics.ts';
import { EventStore } from '../store/event-store.ts';
import { windowReads } from '../store/window-reads.ts';

/** Rows waiting for the store beyond which HTTP ingest answers 503: memory stays bounded. */
const MAX_PENDING_ROWS = 500_000;

/**
 * The counting half of the live path, built in dependency order: the evaluator with its
 * windows rebuilt from the store, the ledger that alone hands it events, the ingestor that
 * tells the ledger what became of each write, and the live rebuild (store reads up to a
 * line, events after it held by the ledger) for whoever needs KPIs rebuilt.
 */
export async function startLiveCount(deps: {
  settings: Settings;
  client: ClickHouseClient;
  kpis: readonly KpiDefinition[];
  metrics: Metrics;
  log: Logger;
}) {
  const { settings, client, metrics } = deps;
  const events = new EventStore(client);
  const reads = windowReads(client);
  // tells the wall loop when a write reached it, so tiles do not wait for the next tick
  const evaluator = new ObservedEvaluator(deps.kpis);
  // With Kafka, instances share the stream: counted events become partials every instance
  // merges (issue 17), one instance or several. Windows read the store up to a recent line
  // and take the partials after it (partials-count.ts).
  let partials: PartialsCount | undefined;
  if (settings.kafkaBrokers.length > 0) {
    partials = new PartialsCount({ evaluator, localSource: `node-${randomUUID()}`, log: deps.log.child({ component: 'partials' }) });
    const from = PartialsCount.partialsFrom(Date.now());
    for (const def of deps.kpis) evaluator.upsert(def, { live: true, partialsFrom: from });
  }
  await rebuildFromStore(reads, evaluator, Date.now());
  const ledger = new CountLedger(partials ?? evaluator);
  partials?.countedBy((e) => ledger.counted(e));
  const ingestor = new Ingestor({
    store: events,
    ledger,
    metrics,
    flushRows: settings.ingestFlushRows,
    flushIntervalMs: settings.ingestFlushIntervalMs,
    maxPendingRows: MAX_PENDING_ROWS,
  });
  metrics.readPendingRowsFrom(() => ingestor.pendingRows);
  const drain = () => ingestor.drain();
  const rebuild = liveRebuilder({ evaluator, ledger, reads, drain });
  return { events, reads, evaluator, ledger, ingestor, drain, rebuild, partials };
}
