import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
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
    registerHistoryReads(main.client, reads.client);
    await historyReadsFor(main.client).rows('SELECT {a:Int64}, {s:String}', { a: 1, s: "o'k" });
    expect(main.calls).toEqual([]);
    expect(reads.calls).toEqual([{ query: "SELECT CAST(1 AS Int64), CAST('o\\'k' AS String)" }]);
  });
});
