import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { MIGRATIONS, migrate } from '../apps/server/src/store/migrations.ts';

/**
 * A store made before migration 7 (ids checked by hashing `id` on read, a bloom filter on
 * `id`) upgraded in place, on real chdb: nothing stored is lost or counted differently, the
 * id check finds events written before the upgrade (their parts lack the stored hash, which
 * the engine then computes from the id) and after it, and the bloom filter is gone.
 */
let dataDir: string;
let store: ClickHouse;
const NOW = Date.now();

const events = (prefix: string, n: number): MetricEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    metric: i % 2 ? 'up.orders' : 'up.revenue',
    value: i % 7,
    ts: NOW - 60_000 + i * 10,
    id: `${prefix}-${i}`,
    dims: { region: i % 3 ? 'eu' : 'us' },
  }));

async function scalar(query: string): Promise<number> {
  const r = await store.client.query({ query, format: 'JSONEachRow' });
  return Number(Object.values((await r.json<Record<string, string>>())[0] ?? {})[0]);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-upgrade-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir });
  await migrate(
    store.client,
    MIGRATIONS.filter((m) => m.version <= 6),
  );
});
afterAll(async () => {
  await store?.client.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('upgrading a store to the stored id hash (migration 7)', () => {
  it('keeps every event and rollup row, and the id check finds events from before and after the upgrade', async () => {
    const es = new EventStore(store.client);
    const before = events('old', 3000);
    await es.insertEvents(before, 'http', 'before-upgrade');
    const sumBefore = await scalar('SELECT sum(value) FROM events');
    const rollupBefore = await scalar('SELECT sum(n) FROM events_rollup_1m');

    // up to 7 only: later migrations (12 …) are not what this upgrade is about
    expect(
      await migrate(
        store.client,
        MIGRATIONS.filter((m) => m.version <= 7),
      ),
    ).toEqual([7]);
    expect(await scalar('SELECT count() FROM events')).toBe(3000);
    expect(await scalar('SELECT sum(value) FROM events')).toBe(sumBefore);
    expect(await scalar('SELECT sum(n) FROM events_rollup_1m')).toBe(rollupBefore);
    expect(await scalar("SELECT count() FROM system.data_skipping_indices WHERE table = 'events'")).toBe(0);

    const found = await es.storedIds([...before.slice(0, 500), ...events('new', 500)]);
    expect(found.size).toBe(500);
    expect([...found].every((e) => e.id.startsWith('old-'))).toBe(true);

    const after = events('new', 500);
    await es.insertEvents(after, 'http', 'after-upgrade');
    expect((await es.storedIds(after)).size).toBe(500);
    // the same id on another metric is another event (ids are scoped by metric)
    expect((await es.storedIds(after.slice(0, 10).map((e) => ({ ...e, metric: 'up.other' })))).size).toBe(0);
    // the same id and metric beyond the identity window is another event
    expect((await es.storedIds(after.slice(0, 10).map((e) => ({ ...e, ts: e.ts + 11 * 60_000 })))).size).toBe(0);
    expect(await scalar('SELECT sum(n) FROM events_rollup_1m')).toBe(3500);
  });
});
