import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { ReadFirstGate } from './read-first-gate.ts';
import { historyReadsFor, registerHistoryReads } from './read-paths.ts';

/** A client that records what it was asked to run. */
function recording() {
  const calls: Array<{ query: string; query_params?: Record<string, unknown> }> = [];
  const client = {
    query: (p: { query: string; query_params?: Record<string, unknown> }) => {
      calls.push({ query: p.query, ...(p.query_params ? { query_params: p.query_params } : {}) });
      return Promise.resolve({ json: () => Promise.resolve([{ ok: 1 }]) });
    },
  } as unknown as ClickHouseClient;
  return { client, calls };
}

describe('historyReadsFor', () => {
  it('binds the parameters on the client itself when nothing is registered for it (a ClickHouse server)', async () => {
    const { client, calls } = recording();
    expect(await historyReadsFor(client).rows('SELECT {a:Int64}', { a: 1 })).toEqual([{ ok: 1 }]);
    expect(calls).toEqual([{ query: 'SELECT {a:Int64}', query_params: { a: 1 } }]);
  });

  it('inlines typed literals on the connection registered for it (chdb), binding nothing', async () => {
    const main = recording();
    const reads = recording();
    registerHistoryReads(main.client, reads.client, new ReadFirstGate({ maxHoldMs: 200 }));
    await historyReadsFor(main.client).rows('SELECT {a:Int64}, {s:String}', { a: 1, s: "o'k" });
    expect(main.calls).toEqual([]);
    expect(reads.calls).toEqual([{ query: "SELECT CAST(1 AS Int64), CAST('o\\'k' AS String)" }]);
  });

  it('counts a chdb read as in flight on its gate until its rows are back', async () => {
    const main = recording();
    let answer!: () => void;
    const reads = {
      query: () => Promise.resolve({ json: () => new Promise((resolve) => (answer = () => resolve([{ ok: 1 }]))) }),
    } as unknown as ClickHouseClient;
    const gate = new ReadFirstGate({ maxHoldMs: 200 });
    registerHistoryReads(main.client, reads, gate);
    const rows = historyReadsFor(main.client).rows('SELECT 1', {});
    expect(historyReadsFor(main.client).gate).toBe(gate);
    expect(gate.readsInFlight).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(gate.readsInFlight).toBe(1);
    answer();
    expect(await rows).toEqual([{ ok: 1 }]);
    expect(gate.readsInFlight).toBe(0);
  });
});
