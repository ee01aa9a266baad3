import type { ClickHouseClient } from '@clickhouse/client';
import { localTable } from './cluster-ddl.ts';
import { ROLLUP_TABLES } from './rollups.ts';

/** Days each level keeps; 0 keeps it forever. */
export interface Retention {
  rawDays: number;
  minuteDays: number;
  hourDays: number;
  dayDays: number;
}

/**
 * Sets each table's TTL from the settings at startup. The TTL is plain DDL (not a
 * migration) because it is configuration; it is changed only when it differs, and not
 * materialised at once (`materialize_ttl_after_modify = 0`): expired rows go at the next
 * merges instead of in a rewrite of every part during startup.
 */
export async function applyRetention(client: ClickHouseClient, retention: Retention, cluster?: string): Promise<void> {
  // on a cluster the TTL belongs to the replicated local tables (store/cluster-ddl.ts)
  const target = (t: string) => (cluster ? localTable(t) : t);
  const levels: Array<[table: string, column: string, days: number]> = [
    [target('events'), 'toDateTime(ts)', retention.rawDays],
    [target(ROLLUP_TABLES.minute), 'bucket', retention.minuteDays],
    [target(ROLLUP_TABLES.hour), 'bucket', retention.hourDays],
    [target(ROLLUP_TABLES.day), 'bucket', retention.dayDays],
  ];
  const onCluster = cluster ? ` ON CLUSTER ${cluster}` : '';
  const result = await client.query({
    query: 'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN ({names:Array(String)})',
    query_params: { names: levels.map(([t]) => t) },
    format: 'JSONEachRow',
  });
  const engines = new Map((await result.json<{ name: string; engine_full: string }>()).map((r) => [r.name, r.engine_full]));
  for (const [table, column, days] of levels) {
    if (!Number.isInteger(days) || days < 0) throw new Error(`retention for ${table} must be a whole number of days`);
    const engine = engines.get(table) ?? '';
    const current = /\bTTL (.+?)(?: SETTINGS |$)/.exec(engine)?.[1]?.trim();
    const wanted = days > 0 ? `${column} + toIntervalDay(${days})` : undefined;
    if (current === wanted) continue;
    // `days` is a validated integer, and DDL takes no bound parameters
    const query = wanted
      ? `ALTER TABLE ${table}${onCluster} MODIFY TTL ${wanted} SETTINGS materialize_ttl_after_modify = 0`
      : `ALTER TABLE ${table}${onCluster} REMOVE TTL`;
    await client.command({ query });
  }
}
