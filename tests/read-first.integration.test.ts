import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { EventStore } from '../apps/server/src/store/event-store.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { historyReadsFor } from '../apps/server/src/store/read-paths.ts';

/**
 * Reads first at the store (store/read-first-gate.ts) on real chdb: ingest's insert and id
 * check, started while a history read runs, wait for it (up to the bound) and then land.
 */
let dataDir: string;
let store: ClickHouse;

/** A chart's read that holds the engine about `seconds` (sleep is at most 3 s a block). */
const longRead = (seconds: number) => historyReadsFor(store.client).rows(`SELECT sleep({s:Float64}) AS s`, { s: seconds });

const events = (tag: string, n: number): MetricEvent[] =>
  Array.from({ length: n }, (_, i) => ({ metric: `gate.${tag}`, value: 1, ts: Date.now() - i, id: `${tag}-${i}`, dims: {} }));

async function stored(tag: string): Promise<number> {
  const r = await store.client.query({ query: `SELECT count() AS n FROM events WHERE metric = 'gate.${tag}'`, format: 'JSONEachRow' });
  return Number((await r.json<{ n: string | number }>())[0]!.n);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-read-first-'));
  // a bound far above the read's length: the insert can only go when the read ends
  store = openClickHouse({ clickhouseUrl: undefined, dataDir, readFirstMaxHoldMs: 10_000 });
  await migrate(store.client);
});
afterAll(async () => {
  await store?.client.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('reads first at the store', () => {
  it('an insert and an id check started during a long history read wait for it, then land in full', async () => {
    const es = new EventStore(store.client);
    const batch = events('during', 5_000);
    const order: string[] = [];
    const read = longRead(1.5).then(() => order.push('read'));
    await new Promise((r) => setTimeout(r, 200));
    const started = performance.now();
    const insert = es.insertEvents(batch, 'http').then(() => order.push('insert'));
    const check = es.storedIds(events('other', 10)).then(() => order.push('id check'));
    await Promise.all([read, insert, check]);
    // without the gate the insert and the check ran beside the read and came back first
    expect(order[0]).toBe('read');
    expect(performance.now() - started).toBeGreaterThan(1_000);
    expect(await stored('during')).toBe(5_000);
    expect((await es.storedIds(batch)).size).toBe(5_000);
  });

  it('lets the insert go at the bound while the read goes on', async () => {
    const gate = historyReadsFor(store.client).gate!;
    gate.setMaxHoldMs(300);
    try {
      const order: string[] = [];
      const read = longRead(2.5).then(() => order.push('read'));
      await new Promise((r) => setTimeout(r, 200));
      const insert = new EventStore(store.client).insertEvents(events('bounded', 100), 'http').then(() => order.push('insert'));
      await Promise.all([read, insert]);
      expect(order).toEqual(['insert', 'read']);
      expect(await stored('bounded')).toBe(100);
    } finally {
      gate.setMaxHoldMs(10_000);
    }
  });

  it('off (0): the insert runs beside the read', async () => {
    const gate = historyReadsFor(store.client).gate!;
    gate.setMaxHoldMs(0);
    try {
      const order: string[] = [];
      const read = longRead(1.5).then(() => order.push('read'));
      await new Promise((r) => setTimeout(r, 200));
      const insert = new EventStore(store.client).insertEvents(events('off', 100), 'http').then(() => order.push('insert'));
      await Promise.all([read, insert]);
      expect(order).toEqual(['insert', 'read']);
      expect(await stored('off')).toBe(100);
    } finally {
      gate.setMaxHoldMs(10_000);
    }
  });
});
