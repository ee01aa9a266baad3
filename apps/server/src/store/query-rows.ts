import type { ClickHouseClient } from '@clickhouse/client';

/** Runs a SELECT with bound parameters and returns its rows; values never enter the SQL text. */
export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return result.json<T>();
}
