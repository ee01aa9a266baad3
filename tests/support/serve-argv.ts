/**
 * The arguments (after node's own flags) that run `northstar serve` from the repository
 * root as operators do: on loopback, on the given data directory and config, without the
 * demo feed. Fault tests and benchmarks both start the real CLI this way; no imports, so
 * a benchmark loads nothing of the test support with it.
 */
export function serveArgv(opts: { port: number; dataDir: string; configPath: string }): string[] {
  return [
    '--import',
    'tsx',
    'apps/server/src/cli.ts',
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--data-dir',
    opts.dataDir,
    '--config',
    opts.configPath,
    '--no-demo',
  ];
}

/**
 * The environment for a `northstar` process a test spawns: the test run's own, without the
 * variables that join a process to shared services (the suite exports KAFKA_BROKERS for the
 * tests that name their own topic). A server inheriting it would join the default
 * `northstar.events` topic and its partials with every other such server, and show their
 * events in its KPIs. A test that wants Kafka or a store passes them in `extra`.
 */
export function spawnEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['KAFKA_BROKERS', 'KAFKA_TOPIC', 'KAFKA_GROUP_ID', 'CLICKHOUSE_URL']) delete env[name];
  return { ...env, ...extra };
}
