import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';

/** The store's id check (EventStore.storedIds) on real chdb, at the sizes Kafka batches reach. */
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
});
