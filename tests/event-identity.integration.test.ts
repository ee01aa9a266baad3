import { afterAll, describe, expect, it } from 'vitest';
import { DEDUP_WINDOW_MS } from '../apps/server/src/store/event-identity.ts';
import { makeWorkspace, startCliServer, type CliServer } from './support/server-process.ts';

/**
 * Issue 14, defect 6: whether an event is a repeat must not depend on process history. The
 * same probes are judged twice: against originals this process stored (answered from
 * memory), and against originals a previous process stored (answered by the store after a
 * restart). Both must give the verdicts of the one rule in the README: same metric, same id,
 * timestamps within the window.
 */

const T = Date.now() - 60 * 60_000;
const MIN = 60_000;

/** Originals, then probes with the verdict the rule gives (true: a repeat). */
const ORIGINALS = [
  { metric: 'ident.a', id: 'x', ts: T },
  { metric: 'ident.b', id: 'x', ts: T },
  { metric: 'ident.a', id: 'y', ts: T },
];
const PROBES: Array<{ metric: string; id: string; ts: number; repeat: boolean }> = [
  { metric: 'ident.a', id: 'x', ts: T, repeat: true },
  { metric: 'ident.a', id: 'x', ts: T + 5 * MIN, repeat: true },
  { metric: 'ident.b', id: 'x', ts: T - DEDUP_WINDOW_MS, repeat: true },
  // the same id on a metric that never had it: another event (was a repeat before a restart only)
  { metric: 'ident.c', id: 'x', ts: T, repeat: false },
  { metric: 'ident.a', id: 'y', ts: T + DEDUP_WINDOW_MS + 1, repeat: false },
  { metric: 'ident.b', id: 'y', ts: T, repeat: false },
];

async function post(server: CliServer, events: unknown[]): Promise<{ status: number; duplicates: number }> {
  const res = await fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  const body = (await res.json()) as { duplicates?: number };
  return { status: res.status, duplicates: body.duplicates ?? 0 };
}

/** Posts each probe alone (prefixing its id) and says which were answered as repeats. */
async function judge(server: CliServer, prefix: string): Promise<boolean[]> {
  const verdicts: boolean[] = [];
  for (const p of PROBES) {
    const r = await post(server, [{ metric: p.metric, id: `${prefix}${p.id}`, ts: p.ts, value: 1 }]);
    expect(r.status).toBe(202);
    verdicts.push(r.duplicates === 1);
  }
  return verdicts;
}

describe('event identity across restarts', () => {
  const ws = makeWorkspace();
  let server: CliServer | undefined;
  afterAll(async () => {
    await server?.kill9();
    ws.remove();
  });

  it('judges a repeat the same from memory and from the store', { timeout: 90_000 }, async () => {
    server = await startCliServer(ws, { LOG_LEVEL: 'warn' });
    // originals for both rounds; round "mem-" is judged by this process, "store-" after a restart
    for (const prefix of ['mem-', 'store-']) {
      const r = await post(
        server,
        ORIGINALS.map((o) => ({ ...o, id: `${prefix}${o.id}`, value: 1 })),
      );
      expect(r).toEqual({ status: 202, duplicates: 0 });
    }
    const fromMemory = await judge(server, 'mem-');
    expect((await server.terminate()).code).toBe(0);
    server = await startCliServer(ws, { LOG_LEVEL: 'warn' });
    const fromStore = await judge(server, 'store-');
    console.log(`event-identity: verdicts from memory ${fromMemory.join(',')}; from the store after a restart ${fromStore.join(',')}`);
    const expected = PROBES.map((p) => p.repeat);
    expect(fromMemory).toEqual(expected);
    expect(fromStore).toEqual(expected);
  });
});
