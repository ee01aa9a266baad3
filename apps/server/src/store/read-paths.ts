import type { ClickHouseClient } from '@clickhouse/client';
import { inlineParams } from './inline-params.ts';
import type { ReadFirstGate } from './read-first-gate.ts';
import type { Retention } from './retention.ts';
import type { SeriesCache } from './series-cache.ts';

/** How history reads (series, breakdowns, dimensions) run a SELECT with parameters. */
export interface HistoryReads {
  rows<T>(query: string, params: Readonly<Record<string, unknown>>): Promise<T[]>;
  /** For chdb: the gate every read passes, holding ingest's statements while it runs (read-first-gate.ts). */
  gate?: ReadFirstGate;
  /**
   * For chdb only: the series' closed points, kept until a write may touch them (series-cache.ts).
   * Never against a ClickHouse server: other processes write there unseen by this one.
   */
  cache?: SeriesCache;
  /** The store's retention, for the cache: queries reaching near a table's TTL bypass it. */
  retention?: Retention;
}

/**
 * Registered by openClickHouse for the client it makes. For chdb, a connection of its own
 * to the same engine, and parameters inlined as typed literals (inline-params.ts):
 * - a chdb connection runs one statement at a time, so on the shared connection a chart
 *   waited behind the wall's and evaluator's reads and the repos' statements;
 * - chdb-node runs every query with bound parameters of the process in one chain, one at a
 *   time, so even on its own connection a bound chart waited behind the wall's and
 *   evaluator's bound reads and other charts' (bench/history: a bound probe waited 415 ms
 *   behind a bound query on another connection, an unbound one 15 ms).
 * Against a ClickHouse server nothing is registered: the client's pool runs requests side
 * by side and binds the parameters in the request.
 */
const registered = new WeakMap<ClickHouseClient, HistoryReads>();

export function registerHistoryReads(
  client: ClickHouseClient,
  reads: ClickHouseClient,
  gate: ReadFirstGate,
  cached?: { cache: SeriesCache; retention: Retention },
): void {
  registered.set(client, {
    ...cached,
    // in flight from the call, while it queues behind other charts too: ingest waits for all of them
    rows: <T>(query: string, params: Readonly<Record<string, unknown>>) =>
      gate.reading(async () => {
        const result = await reads.query({ query: inlineParams(query, params), format: 'JSONEachRow' });
        return result.json<T>();
      }),
    gate,
  });
}

export function historyReadsFor(client: ClickHouseClient): HistoryReads {
  return (
    registered.get(client) ?? {
      rows: async <T>(query: string, params: Readonly<Record<string, unknown>>) => {
        const result = await client.query({ query, query_params: { ...params }, format: 'JSONEachRow' });
        return result.json<T>();
      },
    }
  );
}
