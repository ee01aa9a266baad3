import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { insertBytesFor, registerInsertBytes, type BytesInsert } from './insert-bytes.ts';

const insert: BytesInsert = {
  table: 'events',
  columns: ['metric', 'value'],
  format: 'JSONEachRow',
  body: Buffer.from('{"metric":"a","value":1}\n'),
  settings: { insert_deduplication_token: 't1' },
};

/** Records what reaches `exec`: the SQL, the settings and the bytes of the body stream. */
function recordingClient() {
  const calls: Array<{ query: string; settings: unknown; body: string }> = [];
  const client = {
    exec: async ({
      query,
      values,
      clickhouse_settings,
    }: {
      query: string;
      values: AsyncIterable<Buffer>;
      clickhouse_settings: unknown;
    }) => {
      let body = '';
      for await (const chunk of values) body += chunk.toString();
      calls.push({ query, settings: clickhouse_settings, body });
      return { stream: { resume: () => undefined } };
    },
  } as unknown as ClickHouseClient;
  return { client, calls };
}

describe('insertBytesFor', () => {
  it('sends the same bytes as the body of an INSERT … FORMAT through the client when nothing faster is registered (a ClickHouse server)', async () => {
    const { client, calls } = recordingClient();
    await insertBytesFor(client)(insert);
    expect(calls).toEqual([
      {
        query: 'INSERT INTO events (metric, value) FORMAT JSONEachRow',
        settings: { insert_deduplication_token: 't1' },
        body: insert.body.toString(),
      },
    ]);
  });

  it('uses the path registered for the client (chdb: the raw insert) instead of the client', async () => {
    const { client, calls } = recordingClient();
    const seen: BytesInsert[] = [];
    registerInsertBytes(client, async (i) => {
      seen.push(i);
    });
    await insertBytesFor(client)(insert);
    expect(seen).toEqual([insert]);
    expect(calls).toEqual([]);
  });
});
