import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The client history reads (series, breakdowns, dimensions) go through, registered by
 * openClickHouse for the client it makes. For chdb it is a connection of its own to the same
 * engine: a chdb connection runs one statement at a time, so on the shared connection a
 * chart waited behind the wall's and evaluator's reads, the migrations' and the repos'
 * statements (bench/history, phase 2). Against a ClickHouse server the client's own pool
 * already runs requests side by side, so nothing is registered and the client is used.
 */
const registered = new WeakMap<ClickHouseClient, ClickHouseClient>();

export function registerHistoryReads(client: ClickHouseClient, reads: ClickHouseClient): void {
  registered.set(client, reads);
}

export function historyReadsFor(client: ClickHouseClient): ClickHouseClient {
  return registered.get(client) ?? client;
}
