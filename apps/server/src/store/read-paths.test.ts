import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { historyReadsFor, registerHistoryReads } from './read-paths.ts';

describe('historyReadsFor', () => {
  it('is the client itself when nothing is registered for it (a ClickHouse server)', () => {
    const client = {} as ClickHouseClient;
    expect(historyReadsFor(client)).toBe(client);
  });

  it('is the client registered for it (chdb: a connection of its own)', () => {
    const client = {} as ClickHouseClient;
    const reads = {} as ClickHouseClient;
    registerHistoryReads(client, reads);
    expect(historyReadsFor(client)).toBe(reads);
    expect(historyReadsFor({} as ClickHouseClient)).not.toBe(reads);
  });
});
