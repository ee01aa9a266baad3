import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreatedToken, MeResponse } from '@northstar/shared';
import { spawnEnv } from './support/serve-argv.ts';
import { waitFor } from './support/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'northstar-bootstrap-'));
const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** The product's defaults: whatever the test runner's environment says about auth is left out. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = spawnEnv({ LOG_LEVEL: 'warn', ...extra });
  if (!('NORTHSTAR_AUTH' in extra)) delete env.NORTHSTAR_AUTH;
  if (!('NORTHSTAR_API_TOKEN' in extra)) delete env.NORTHSTAR_API_TOKEN;
  return env;
}

/** Starts `northstar serve` as an operator would and returns its URL and what it printed by then. */
async function serve(dataDir: string, args: string[] = []): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/server/src/cli.ts', 'serve', '--port', '0', '--data-dir', dataDir, ...args],
    {
      cwd: ROOT,
      env: cleanEnv(),
    },
  );
  running.add(child);
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += String(d)));
  child.stderr!.resume();
  const url = await waitFor(
    () => /Northstar is live at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1],
    `the URL; stdout: ${stdout}`,
    60_000,
  );
  // the lines about sign-in follow the URL in the same write
  await waitFor(() => (/Sign-in required|First start/.test(stdout) ? true : undefined), 'the sign-in lines');
  return { child, url, stdout: () => stdout };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('close', (code) => {
      running.delete(child);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

async function login(url: string, username: string, password: string): Promise<{ cookie: string; csrf: string } | null> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) return null;
  const me = (await res.json()) as Extract<MeResponse, { user: unknown }>;
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: me.csrfToken };
}

function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', ...args], { cwd: ROOT, env: cleanEnv(env) });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('first-run admin bootstrap (real processes)', () => {
  it('prints the admin password on the first start only; the demo producer and import get in with tokens', async () => {
    const dataDir = path.join(tmp, 'data');
    const first = await serve(dataDir, ['--demo']);
    const printed = /user:\s+admin\n\s+password: (\S+)/.exec(first.stdout());
    expect(printed, first.stdout()).not.toBeNull();
    const password = printed![1]!;
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(first.stdout().split(password).length - 1).toBe(1);

    const admin = await login(first.url, 'admin', password);
    expect(admin).not.toBeNull();
    // the demo producer posts over HTTP with its own in-process token: its events arrive
    await waitFor(async () => {
      const res = await fetch(`${first.url}/api/v1/kpis`, { headers: { cookie: admin!.cookie } });
      const body = (await res.json()) as { kpis: Array<{ state: { lastEventTs: number | null } }> };
      return body.kpis.some((k) => k.state.lastEventTs !== null) ? true : undefined;
    }, 'demo events behind auth');
    expect((await fetch(`${first.url}/api/v1/kpis`)).status).toBe(401);
    // how cleanly a server with the demo running stops is cli.integration's to check; here only that it stops
    await stop(first.child);

    // the way back in when the printed password is lost: a new one, printed by the command once
    const reset = await runCli(['reset-password', 'admin', '--data-dir', dataDir]);
    expect(reset.code).toBe(0);
    const fresh = /New password for admin: (\S+)/.exec(reset.stdout)?.[1];
    expect(fresh).toMatch(/^[\w-]{24}$/);

    const second = await serve(dataDir, ['--no-demo']);
    expect(second.stdout()).toContain('Sign-in required (an admin exists');
    expect(second.stdout()).not.toContain(password);
    expect(second.stdout()).not.toContain(fresh);
    expect(second.stdout()).not.toMatch(/password:/);
    expect(await login(second.url, 'admin', password)).toBeNull();
    const again = await login(second.url, 'admin', fresh!);
    expect(again).not.toBeNull();

    // `northstar import` with a token that has the ingest scope
    const created = await fetch(`${second.url}/api/v1/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: again!.cookie, 'x-csrf-token': again!.csrf },
      body: JSON.stringify({ name: 'importer', scopes: ['ingest'] }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as CreatedToken;
    const file = path.join(tmp, 'events.ndjson');
    writeFileSync(file, ['{"metric":"imp.auth","value":1,"id":"a1"}', '{"metric":"imp.auth","value":2,"id":"a2"}'].join('\n') + '\n');
    const importArgs = ['import', file, '--target', second.url];
    const denied = await runCli(importArgs, { NORTHSTAR_API_TOKEN: 'nst_000000000000_' + 'x'.repeat(43) });
    expect(denied.code).toBe(1);
    const imported = await runCli(importArgs, { NORTHSTAR_API_TOKEN: token });
    expect(imported.stdout).toContain('imported 2 of 2 rows');
    expect(imported.code).toBe(0);
    expect(await stop(second.child)).toBe(0);
  });
});
