import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadStoreServerSettings, type StoreServerOptions } from '../config/settings.ts';
import { createStoreApp } from './app.ts';
import { StoreCredentials } from './auth.ts';
import { StoreEngine } from './engine.ts';

export interface RunningStore {
  url: string;
  close(): Promise<void>;
}

/** `northstar store`: the embedded engine on its data directory, served over ClickHouse's HTTP interface. */
export async function startStore(
  opts: StoreServerOptions,
): Promise<RunningStore & { generatedPassword?: string; dataDir: string; user: string }> {
  const { host, port, dataDir, user, password: given, maxBodyBytes, maxConcurrentQueries } = loadStoreServerSettings(opts);
  const generatedPassword = given === undefined ? randomBytes(18).toString('base64url') : undefined;
  const engine = new StoreEngine(dataDir);
  const version = await engine.version();
  const app = createStoreApp({
    engine,
    credentials: new StoreCredentials(user, given ?? generatedPassword!),
    maxBodyBytes,
    maxConcurrentQueries,
    version,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  return {
    url,
    dataDir: engine.path,
    user,
    ...(generatedPassword ? { generatedPassword } : {}),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.close();
    },
  };
}

export async function runStoreCommand(opts: StoreServerOptions): Promise<void> {
  const store = await startStore(opts);
  const credentials = store.generatedPassword
    ? `  user:     ${store.user}\n  password: ${store.generatedPassword}   (generated; set NORTHSTAR_STORE_PASSWORD to choose one)\n` +
      `Point instances at it with CLICKHOUSE_URL=${store.url} CLICKHOUSE_USER=${store.user} CLICKHOUSE_PASSWORD=<the password>\n`
    : `  user:     ${store.user}   (password from --password / NORTHSTAR_STORE_PASSWORD)\n`;
  process.stdout.write(
    `northstar store is serving ${store.dataDir} at ${store.url}\n${credentials}` +
      'For one-machine setups and tests; in production point CLICKHOUSE_URL at a ClickHouse server.\n',
  );
  const shutdown = async () => {
    try {
      await store.close();
      process.exit(0);
    } catch (err) {
      process.stderr.write(`northstar store: shutdown did not complete cleanly: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}
