import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';

/**
 * `northstar store` as operators run it: the real CLI in its own process, serving one
 * chdb directory over ClickHouse's HTTP interface, for tests that share a store between
 * processes (the test process, several `northstar serve`).
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface StoreProcess {
  url: string;
  user: string;
  password: string;
  /** The first lines it printed (the URL and the credentials). */
  banner: string;
  /** A @clickhouse/client on it, as the instances make theirs. */
  client(overrides?: Parameters<typeof createClient>[0]): ClickHouseClient;
  stop(): Promise<void>;
}

export async function startStoreProcess(
  dataDir: string,
  opts: { password?: string; args?: string[]; env?: Record<string, string> } = {},
): Promise<StoreProcess> {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  delete env.NORTHSTAR_STORE_PASSWORD;
  if (opts.password !== undefined) env.NORTHSTAR_STORE_PASSWORD = opts.password;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'apps/server/src/cli.ts',
      'store',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...(opts.args ?? []),
    ],
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (tail = (tail + chunk).slice(-8_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (/For one-machine setups/.test(out)) resolve(out);
    });
    void exited.then(() => reject(new Error(`northstar store exited during start-up:\n${out}\n${tail}`)));
  });
  const url = /at (http:\/\/\S+)/.exec(banner)![1]!;
  const user = /user:\s+(\S+)/.exec(banner)![1]!;
  const password = opts.password ?? /password:\s+(\S+)/.exec(banner)![1]!;
  const clients: ClickHouseClient[] = [];
  return {
    url,
    user,
    password,
    banner,
    client: (overrides) => {
      // the tests assert the errors they provoke; the client's own error log would only be noise
      const c = createClient({ url, username: user, password, log: { level: ClickHouseLogLevel.OFF }, ...overrides });
      clients.push(c);
      return c;
    },
    stop: async () => {
      await Promise.all(clients.map((c) => c.close()));
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
