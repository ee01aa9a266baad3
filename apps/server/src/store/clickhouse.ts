import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { drainingConnection } from './draining-connection.ts';
import { registerInsertBytes } from './insert-bytes.ts';

type ChdbAsClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

export interface StoreTarget {
  /** A ClickHouse server; when unset, chdb runs in-process on disk under dataDir. */
  clickhouseUrl: string | undefined;
  dataDir: string;
}

export interface ClickHouse {
  client: ClickHouseClient;
  kind: 'server' | 'chdb';
  where: string;
}

/** One client for both backends: the SQL is plain ClickHouse SQL either way. */
export function openClickHouse(target: StoreTarget): ClickHouse {
  if (target.clickhouseUrl) {
    const url = new URL(target.clickhouseUrl);
    return {
      client: createClient({ url: target.clickhouseUrl, clickhouse_settings: { date_time_input_format: 'best_effort' } }),
      kind: 'server',
      where: `${url.protocol}//${url.host}`,
    };
  }
  const chdbPath = path.join(target.dataDir, 'chdb');
  mkdirSync(chdbPath, { recursive: true });
  // chdb types its connection against @clickhouse/client-common 1.23.0 while the client
  // bundles 1.23.1's copy of the same interface; the shapes match at run time.
  const chdb = drainingConnection(createChdbConnection({ path: chdbPath }));
  const client = createClient({ connection: chdb as unknown as ChdbAsClientConnection });
  // bodies already in bytes go to the engine's parser as they are, not glued onto the SQL as a string
  registerInsertBytes(client, async ({ table, columns, format, body, settings }) => {
    await chdb.chdb.rawInsert({ table, columns, format, values: body, settings });
  });
  return { client, kind: 'chdb', where: chdbPath };
}
