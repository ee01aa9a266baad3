import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';

/** The store's ingest paths on real chdb: the id check at the sizes Kafka batches reach, and inserts that hold no reader up. */
let dataDir: string;
let store: ClickHouse;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-idcheck-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir });
  await migrate(store.client);
});
afterAll(async () => {
  await store?.client.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('EventStore.storedIds', () => {
  it('answers for a batch of 60 000 events, whose id hashes pass the engine’s default 256 KiB query size', async () => {
    const now = Date.now();
    const batch: MetricEvent[] = Array.from({ length: 60_000 }, (_, i) => ({
      metric: `big.m${i % 5}`,
      value: 1,
      ts: now - (i % 1000),
      id: `kafka-offset-${1_000_000_000 + i}`,
      dims: {},
    }));
    const es = new EventStore(store.client);
    await es.insertEvents(batch.slice(0, 25_000), 'kafka', 'big/0/0-24999');
    const found = await es.storedIds(batch);
    expect(found.size).toBe(25_000);
    expect(batch.slice(0, 25_000).every((e) => found.has(e))).toBe(true);
  });

  it('answers queries and id checks while a large insert runs, and the id check sees what the insert stored (they use separate connections)', async () => {
    const now = Date.now();
    const big: MetricEvent[] = Array.from({ length: 300_000 }, (_, i) => ({
      metric: 'busy.m',
      value: i % 10,
      ts: now - (i % 60_000),
      id: `busy-${i}`,
      dims: { region: i % 2 ? 'eu' : 'us' },
    }));
    const es = new EventStore(store.client);
    let inserted = false;
    const insert = es.insertEvents(big, 'http', 'busy').then(() => (inserted = true));
    const r = await store.client.query({ query: "SELECT count() AS n FROM events WHERE metric = 'busy.m'", format: 'JSONEachRow' });
    const [row] = await r.json<{ n: string | number }>();
    const checked = await es.storedIds(big.slice(0, 100));
    expect(inserted).toBe(false);
    expect(Number(row!.n)).toBe(0);
    expect(checked.size).toBe(0);
    await insert;
    expect((await es.storedIds(big.slice(0, 100))).size).toBe(100);
  });
});
