import type { ClickHouseClient } from '@clickhouse/client';
import { describe, expect, it } from 'vitest';
import { applyRetention } from './retention.ts';

/** A client that answers the engines query with no TTLs and records the DDL it is sent. */
function recordingClient() {
  const sent: string[] = [];
  const asked: unknown[] = [];
  const client = {
    query: (p: { query_params: unknown }) => {
      asked.push(p.query_params);
      return Promise.resolve({ json: () => Promise.resolve([]) });
    },
    command: (p: { query: string }) => {
      sent.push(p.query);
      return Promise.resolve({});
    },
  } as unknown as ClickHouseClient;
  return { client, sent, asked };
}

describe('retention on a cluster', () => {
  it('sets the TTLs on the replicated local tables, ON CLUSTER', async () => {
    const { client, sent, asked } = recordingClient();
    await applyRetention(client, { rawDays: 30, minuteDays: 90, hourDays: 0, dayDays: 0 }, 'northstar');
    expect(asked).toEqual([{ names: ['events_local', 'events_rollup_1m_local', 'events_rollup_1h_local', 'events_rollup_1d_local'] }]);
    expect(sent[0]).toBe(
      'ALTER TABLE events_local ON CLUSTER northstar MODIFY TTL toDateTime(ts) + toIntervalDay(30) SETTINGS materialize_ttl_after_modify = 0',
    );
    expect(sent[1]).toBe(
      'ALTER TABLE events_rollup_1m_local ON CLUSTER northstar MODIFY TTL bucket + toIntervalDay(90) SETTINGS materialize_ttl_after_modify = 0',
    );
  });

  it('keeps the single-server DDL without one', async () => {
    const { client, sent } = recordingClient();
    await applyRetention(client, { rawDays: 30, minuteDays: 0, hourDays: 0, dayDays: 0 });
    expect(sent[0]).toBe('ALTER TABLE events MODIFY TTL toDateTime(ts) + toIntervalDay(30) SETTINGS materialize_ttl_after_modify = 0');
  });
});
