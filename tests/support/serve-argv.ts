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
