import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { drainingConnection } from './draining-connection.ts';
import { registerIngestPaths } from './ingest-paths.ts';
import { DEFAULT_READ_FIRST_MAX_HOLD_MS, ReadFirstGate } from './read-first-gate.ts';
import { registerHistoryReads } from './read-paths.ts';
import type { Retention } from './retention.ts';
import { DEFAULT_HISTORY_CACHE_MAX_BYTES, DEFAULT_HISTORY_CACHE_MAX_ENTRIES, SeriesCache } from './series-cache.ts';
import { oneStatementAtATime } from './statement-queue.ts';

type ChdbAsClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

export interface StoreTarget {
  /** A ClickHouse server; when unset, chdb runs in-process on disk under dataDir. */
  clickhouseUrl: string | undefined;
  /** Credentials for the server (CLICKHOUSE_USER / CLICKHOUSE_PASSWORD); the URL's own user:password@ also works. */
  clickhouseUser?: string | undefined;
  clickhousePassword?: string | undefined;
  dataDir: string;
  /** chdb only: how long ingest's next insert or id check waits for the history reads in flight (read-first-gate.ts); 0: off. */
  readFirstMaxHoldMs?: number | undefined;
  /**
   * chdb only: the history series cache's bounds (series-cache.ts); 0 bytes: off. A store
   * reached by CLICKHOUSE_URL never has one, whatever this says: other processes (instances
   * of a cluster, any client of that server) write there, and their writes cannot invalidate
   * this process's cache.
   */
  historyCacheMaxBytes?: number | undefined;
  historyCacheMaxEntries?: number | undefined;
  /** What the tables keep (the cache bypasses queries reaching near a TTL); unset: forever. */
  retention?: Retention | undefined;
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
      client: createClient({
        url: target.clickhouseUrl,
        ...(target.clickhouseUser !== undefined ? { username: target.clickhouseUser } : {}),
        ...(target.clickhousePassword !== undefined ? { password: target.clickhousePassword } : {}),
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      }),
      kind: 'server',
      where: `${url.protocol}//${url.host}`,
    };
  }
  const chdbPath = path.join(target.dataDir, 'chdb');
  mkdirSync(chdbPath, { recursive: true });
  // Four connections to the one engine (chdb shares its data between connections on a
  // path): one runs a statement at a time, so queries, inserts, id checks and history reads each get their own.
  // chdb types its connection against @clickhouse/client-common 1.23.0 while the client
  // bundles 1.23.1's copy of the same interface; the shapes match at run time.
  // Each hands the engine one statement at a time (statement-queue.ts): queued in chdb-node,
  // a statement blocked one of libuv's 4 threads, and the other connections waited for threads.
  // Ingest's two connections wait at the head of their queues while a chart is read (read-first-gate.ts).
  const gate = new ReadFirstGate({ maxHoldMs: target.readFirstMaxHoldMs ?? DEFAULT_READ_FIRST_MAX_HOLD_MS });
  const open = (beforeEach?: () => Promise<void>) =>
    drainingConnection(oneStatementAtATime(createChdbConnection({ path: chdbPath }), beforeEach));
  const queries = open();
  const inserts = open(() => gate.beforeWrite('insert'));
  const checks = open(() => gate.beforeWrite('id_check'));
  const reads = open();
  const connection = closingTogether(queries, [inserts, checks, reads]);
  const client = createClient({ connection: connection as unknown as ChdbAsClientConnection });
  registerIngestPaths(client, {
    // bodies already in bytes go to the engine's parser as they are, not glued onto the SQL as a string
    insertBytes: async ({ table, columns, format, body, settings }) => {
      await inserts.chdb.rawInsert({ table, columns, format, values: body, settings });
    },
    idChecks: createClient({ connection: checks as unknown as ChdbAsClientConnection }),
  });
  // the embedded store's directory is locked to this process (chdb), so every write to it
  // goes through this process's EventStore, which tells the cache what it wrote
  const maxBytes = target.historyCacheMaxBytes ?? DEFAULT_HISTORY_CACHE_MAX_BYTES;
  const cached =
    maxBytes > 0
      ? {
          cache: new SeriesCache({ maxBytes, maxEntries: target.historyCacheMaxEntries ?? DEFAULT_HISTORY_CACHE_MAX_ENTRIES }),
          retention: target.retention ?? { rawDays: 0, minuteDays: 0, hourDays: 0, dayDays: 0 },
        }
      : undefined;
  registerHistoryReads(client, createClient({ connection: reads as unknown as ChdbAsClientConnection }), gate, cached);
  return { client, kind: 'chdb', where: chdbPath };
}

/** `main`, whose close also closes `others` (each waits for its own statements in flight first). */
function closingTogether<T extends { close(): Promise<void> }>(main: T, others: Array<{ close(): Promise<void> }>): T {
  return new Proxy(main, {
    get(target, prop) {
      if (prop === 'close') return async () => void (await Promise.all([target.close(), ...others.map((o) => o.close())]));
      return Reflect.get(target, prop) as unknown;
    },
  });
}
