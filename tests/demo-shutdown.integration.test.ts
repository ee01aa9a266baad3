import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEnv } from './support/serve-argv.ts';
import { readStoreAfterExit } from './support/fault-fixture.ts';

/**
 * `serve --demo` backfills the day's history through its own HTTP ingest, up to a day of
 * events. A SIGTERM during that backfill must stop the server promptly (it used to wait
 * for the whole backfill: 95–160 s on a loaded box), and every event a producer was
 * answered 202 for must be in the store afterwards.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(tmpdir(), 'northstar-demo-stop-'));
const dataDir = path.join(tmp, 'data');
/** Far below the old hang, generous for a box shared by several test runs. */
const STOP_BOUND_MS = 30_000;
const PROBES_PER_POST = 200;

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('serve --demo stops on SIGTERM during the backfill', () => {
  it('exits 0 within the bound, with every event answered 202 stored', { timeout: 120_000 }, async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'apps/server/src/cli.ts', 'serve', '--port', '0', '--data-dir', dataDir, '--demo', '--no-auth'],
      { cwd: ROOT, env: spawnEnv({ LOG_LEVEL: 'warn' }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-8_000)));
    const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
      child.once('exit', (code) => resolve({ code, at: Date.now() })),
    );
    try {
      let stdout = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d) => {
          stdout += String(d);
          const m = /Northstar is live at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
          if (m) resolve(m[1]!);
        });
        void exited.then((e) => reject(new Error(`server exited during start-up (${e.code}):\n${stderr}`)));
      });

      // a producer of our own keeps posting through the shutdown; we keep the ids it was answered 202 for
      const accepted: string[] = [];
      let posting = true;
      let batch = 0;
      const producer = (async () => {
        while (posting) {
          const ids = Array.from({ length: PROBES_PER_POST }, (_, i) => `probe-${batch}-${i}`);
          batch += 1;
          const body = ids.map((id) => JSON.stringify({ metric: 'checkout.orders', value: 1, ts: Date.now(), id })).join('\n');
          const res = await fetch(`${url}/api/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-ndjson' },
            body,
          }).catch(() => undefined);
          if (res?.status === 202) accepted.push(...ids);
          else if (res === undefined) return; // the server is gone
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      // the backfill of the day's history starts with the server; stop it a moment in
      while (accepted.length < 3 * PROBES_PER_POST) await new Promise((r) => setTimeout(r, 100));
      const termAt = Date.now();
      child.kill('SIGTERM');
      const exit = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), STOP_BOUND_MS))]);
      posting = false;
      await producer;
      expect(exit, `no exit within ${STOP_BOUND_MS} ms of SIGTERM; log:\n${stderr}`).not.toBeNull();
      expect(exit!.code, stderr).toBe(0);
      console.log(`exited ${exit!.at - termAt} ms after SIGTERM; ${accepted.length} probe events answered 202`);

      const stored = await readStoreAfterExit({ dataDir, configPath: '', remove: () => {} }, async (store) => {
        const r = await store.query({
          query: "SELECT id FROM events WHERE metric = 'checkout.orders' AND startsWith(id, 'probe-')",
          format: 'JSONEachRow',
        });
        const ids = (await r.json<{ id: string }>()).map((row) => row.id);
        // how far the backfill had come: shown, not asserted (how much history it has depends on the time of day)
        const newest = await store.query({
          query: "SELECT toUnixTimestamp64Milli(max(ts)) AS ms FROM events WHERE startsWith(id, 'demo-')",
          format: 'JSONEachRow',
        });
        const ms = Number((await newest.json<{ ms: string }>())[0]?.ms);
        console.log(`the demo backfill had reached ${Math.round((termAt - ms) / 60_000)} min before the SIGTERM`);
        return ids;
      });
      const storedIds = new Set(stored);
      expect(stored.length, 'no probe event stored twice').toBe(storedIds.size);
      expect(accepted.filter((id) => !storedIds.has(id))).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
