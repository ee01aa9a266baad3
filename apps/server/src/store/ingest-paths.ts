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

/** How ingest reaches a store: the insert of bytes, and the client its id checks query through. */
export interface IngestPaths {
  insertBytes: InsertBytes;
  idChecks: ClickHouseClient;
}

/**
 * Ingest's own ways into each open store, registered by openClickHouse for the client it
 * makes, so every EventStore on that client uses them. For chdb they are separate
 * connections to the same engine: a chdb connection runs one statement at a time, so a
 * history query on the connection an insert holds waited for the whole insert (up to a
 * second; bench/history phase 2). And chdb's `rawInsert` hands a Buffer to the engine's
 * parser zero-copy, where @clickhouse/client's own insert reads it into a string and
 * glues it onto the SQL first.
 */
const registered = new WeakMap<ClickHouseClient, IngestPaths>();

export function registerIngestPaths(client: ClickHouseClient, paths: IngestPaths): void {
  registered.set(client, paths);
}

/** The registered paths, or the client's own: over HTTP to a ClickHouse server the same bytes are the request body. */
export function ingestPathsFor(client: ClickHouseClient): IngestPaths {
  return registered.get(client) ?? { insertBytes: (insert) => execInsert(client, insert), idChecks: client };
}

async function execInsert(client: ClickHouseClient, { table, columns, format, body, settings }: BytesInsert): Promise<void> {
  const result = await client.exec({
    query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT ${format}`,
    values: Readable.from([body]),
    clickhouse_settings: settings,
  });
  result.stream.resume();
}
