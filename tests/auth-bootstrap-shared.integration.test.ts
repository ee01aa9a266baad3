import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitReady, type CliServer } from './support/server-process.ts';
import { startSharedStore, type SharedStore } from './support/shared-store.ts';

/**
 * Two `northstar serve` instances started at the same moment on one empty `northstar store`
 * (as a deployment of several instances comes up): however their first starts interleave,
 * one admin is kept, and no instance prints a password that does not sign in. Real processes.
 */
let shared: SharedStore | undefined;
let instances: CliServer[] = [];

beforeAll(async () => {
  shared = await startSharedStore('northstar-boot-shared', 'boot-shared-store-password');
  const store = shared;
  // at the same moment, as a deployment of several instances comes up
  const started = await Promise.all(['a', 'b'].map((name) => store.startInstance(name, { NORTHSTAR_AUTH: 'on' })));
  instances = shared.instances;
  await Promise.all(started.map((s) => waitReady(s)));
}, 180_000);

afterAll(async () => {
  await shared?.stop();
});

async function signsIn(server: CliServer, password: string): Promise<boolean> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (res.status !== 200 && res.status !== 401) throw new Error(`sign-in on ${server.url}: ${res.status} ${await res.text()}`);
  return res.status === 200;
}

describe('first-run admin on a shared store, two instances at once', () => {
  it('prints one admin password, which signs in on both; the other instance says where the admin came from', async () => {
    const outs = instances.map((s) => s.stdout());
    const printed = outs.map((out) => /user:\s+admin\n\s+password: (\S+)/.exec(out)?.[1]).filter((p) => p !== undefined);
    expect(printed, outs.join('\n---\n')).toHaveLength(1);
    const password = printed[0]!;
    // the other instance either made its admin at the same moment and lost, or found the winner's
    const other = outs.find((out) => !out.includes(password))!;
    expect(other).toMatch(/created by another instance sharing this store|Sign-in required \(an admin exists/);
    expect(other).not.toMatch(/password: /);
    for (const s of instances) expect(await signsIn(s, password), s.url).toBe(true);

    // whatever each instance wrote, the store reads one admin in force, the one printed
    const client = shared!.store.client();
    const rows = await client.query({
      query: `SELECT count() AS n FROM auth_records WHERE kind = 'user' AND id = 'admin' AND version = 1`,
      format: 'JSONEachRow',
    });
    const written = Number((await rows.json<{ n: string }>())[0]!.n);
    console.log(`auth-bootstrap-shared: ${written} admin row(s) written by the two instances`);
    expect(written).toBeGreaterThanOrEqual(1);
  });
});
