import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnEnv } from './support/serve-argv.ts';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'northstar-cli-'));
/** Servers this file started: a failed assertion must not leave one running after the run. */
const started = new Set<ChildProcess>();
afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs the real CLI in its own process, as a user would. */
function northstar(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', ...args], {
      cwd: ROOT,
      env: spawnEnv({ LOG_LEVEL: 'warn', ...env }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('northstar CLI', () => {
  it('explains every serve option in --help', async () => {
    const r = await northstar(['serve', '--help']);
    expect(r.code).toBe(0);
    for (const option of ['--port', '--host', '--data-dir', '--config', '--demo', '--no-demo', 'KAFKA_BROKERS', 'CLICKHOUSE_URL'])
      expect(r.stdout).toContain(option);
  });

  it('explains the demo command', async () => {
    const r = await northstar(['demo', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--target');
    expect(r.stdout).toContain('--kafka');
  });

  it('exits 2 naming a bad option value', async () => {
    const r = await northstar(['serve', '--port', 'eighty', '--data-dir', path.join(tmp, 'd1')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('northstar: option --port: "eighty" is not a port number (0-65535)\n');
  });

  it('exits 2 on an unknown option', async () => {
    const r = await northstar(['serve', '--colour', 'red']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--colour'/);
  });

  it('exits 2 naming file, line and field of a bad config', async () => {
    const file = path.join(tmp, 'bad.yaml');
    writeFileSync(
      file,
      'objectives:\n  - id: a\n    name: A\nkpis:\n  - id: k\n    name: K\n    objective: a\n    metric: m\n    aggregation: sum\n    window: forever\n    target: 1\n',
    );
    const r = await northstar(['serve', '--config', file, '--data-dir', path.join(tmp, 'd2')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:10: kpis\[0\]\.window: must be a rolling window/);
  });

  it('exits 2 when the config file is missing', async () => {
    const r = await northstar(['serve', '--config', path.join(tmp, 'missing.yaml'), '--data-dir', path.join(tmp, 'd3')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.yaml: cannot read the KPI config \(ENOENT\)/);
  });

  it('exits 2 naming a bad environment variable', async () => {
    const r = await northstar(['serve', '--data-dir', path.join(tmp, 'd4')], { KAFKA_BROKERS: 'nohostport' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/KAFKA_BROKERS: "nohostport" is not host:port/);
  });

  it('starts on the shipped demo config, prints the URL and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'apps/server/src/cli.ts', 'serve', '--port', '0', '--data-dir', path.join(tmp, 'd5'), '--demo', '--no-auth'],
      {
        cwd: ROOT,
        env: spawnEnv({ LOG_LEVEL: 'warn' }),
      },
    );
    started.add(child);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${stdout}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /Northstar is live at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
    });
    expect(stdout).toMatch(/15 KPIs, 9 objectives, demo producer on/);
    expect(stdout).toContain('Auth is OFF');
    const res = await fetch(`${url}/api/v1/kpis`);
    expect(res.status).toBe(200);
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
