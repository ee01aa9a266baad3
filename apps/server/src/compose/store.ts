import type { Logger } from 'pino';
import type { Settings } from '../config/settings.ts';
import { openClickHouse } from '../store/clickhouse.ts';
import { migrate } from '../store/migrations.ts';
import { applyRetention } from '../store/retention.ts';

/** The store, migrated and with its retention applied: the first part every other one needs. */
export async function openStore(settings: Settings, log: Logger) {
  const clickhouse = openClickHouse(settings);
  const applied = await migrate(clickhouse.client, undefined, { cluster: settings.clickhouseCluster });
  await applyRetention(clickhouse.client, settings.retention, settings.clickhouseCluster);
  log.info({ store: clickhouse.kind, where: clickhouse.where, cluster: settings.clickhouseCluster, applied }, 'store ready');
  return clickhouse.client;
}
