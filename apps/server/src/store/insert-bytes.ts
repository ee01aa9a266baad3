import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';

/** An insert whose body is already bytes in `format`: the engine parses them, nothing re-serialises them. */
export interface BytesInsert {
  /** A table of ours (a constant in code, never input). */
  table: string;
  columns: readonly string[];
  format: 'JSONEachRow';
  body: Buffer;
  settings: Record<string, string | number>;
}

export type InsertBytes = (insert: BytesInsert) => Promise<void>;

/**
 * How each open store takes bytes. chdb's connection hands a Buffer to the engine's
 * parser zero-copy (`rawInsert`); through @clickhouse/client's own insert it would be
 * read into a string and glued onto the SQL first. Registered by openClickHouse for the
 * client it makes, so every EventStore on that client gets the fast path.
 */
const inserters = new WeakMap<ClickHouseClient, InsertBytes>();

export function registerInsertBytes(client: ClickHouseClient, insert: InsertBytes): void {
  inserters.set(client, insert);
}

/** The registered fast path, or the client's own: over HTTP to a ClickHouse server the same bytes are the request body. */
export function insertBytesFor(client: ClickHouseClient): InsertBytes {
  return inserters.get(client) ?? ((insert) => execInsert(client, insert));
}

async function execInsert(client: ClickHouseClient, { table, columns, format, body, settings }: BytesInsert): Promise<void> {
  const result = await client.exec({
    query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`,
    values: Readable.from([body]),
    clickhouse_settings: settings,
  });
  result.stream.resume();
}
