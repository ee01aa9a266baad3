import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FAULT_CONFIG, startCliServer, type CliServer } from './server-process.ts';
import { startStoreProcess, type StoreProcess } from './store-process.ts';

/**
 * Several `northstar serve` on one `northstar store`, as instances share a ClickHouse server
 * (CLICKHOUSE_URL): a fresh folder holding the store's data, one data directory per instance
 * and the config they all read (the fault config unless one is given).
 */
export interface SharedStore {
  root: string;
  configPath: string;
  store: StoreProcess;
  /** The instances started so far, in the order they were asked for. */
  instances: CliServer[];
  /** Starts `northstar serve` on the store with `env` besides the store's address and credentials; the caller waits for it to be ready. */
  startInstance(name: string, env?: Record<string, string>): Promise<CliServer>;
  /** Stops the instances, then the store, and removes the folder. */
  stop(): Promise<void>;
}

export async function startSharedStore(prefix: string, storePassword: string, config = FAULT_CONFIG): Promise<SharedStore> {
  const root = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const configPath = path.join(root, 'northstar.yaml');
  writeFileSync(configPath, config);
  const instances: CliServer[] = [];
  let store: StoreProcess;
  try {
    store = await startStoreProcess(path.join(root, 'store'), { password: storePassword });
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
  const storeEnv = { CLICKHOUSE_URL: store.url, CLICKHOUSE_USER: store.user, CLICKHOUSE_PASSWORD: store.password };
  return {
    root,
    configPath,
    store,
    instances,
    startInstance: async (name, env = {}) => {
      const server = await startCliServer(
        { dataDir: path.join(root, `data-${name}`), configPath, remove: () => undefined },
        { ...storeEnv, ...env },
      );
      instances.push(server);
      return server;
    },
    stop: async () => {
      for (const s of instances) await s.terminate();
      await store.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
