import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricEvent } from '@northstar/shared';

export type EventSource = 'http' | 'kafka' | 'demo' | 'import';

export interface RejectedRecord {
  source: EventSource;
  /** Where the producer can find it: "line 12", "partition 2 offset 991". */
  location: string;
  reason: string;
  raw: string;
}

/** A rejected payload is kept for diagnosis, not in full: a 10 MiB line would bloat the table. */
const RAW_KEEP_CHARS = 4096;

function toLine(e: MetricEvent, source: EventSource, receivedAt: number): string {
  return JSON.stringify({ metric: e.metric, ts: e.ts, value: e.value, id: e.id, dims: e.dims, source, received_at: receivedAt });
}

export class EventStore {
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  /**
   * One insert per call. The token makes a retry of the same batch a no-op
   * (ClickHouse drops a block whose token it has seen); callers without a natural
   * token get a random one, so two identical legitimate batches are both kept.
   */
  async insertEvents(events: readonly MetricEvent[], source: EventSource, dedupToken: string = randomUUID()): Promise<void> {
    if (events.length === 0) return;
    const receivedAt = Date.now();
    let body = '';
    for (const e of events) body += toLine(e, source, receivedAt) + '\n';
    const result = await this.#client.exec({
      query: 'INSERT INTO events (metric, ts, value, id, dims, source, received_at) FORMAT JSONEachRow',
      values: Readable.from([Buffer.from(body)]),
      clickhouse_settings: { insert_deduplication_token: dedupToken, date_time_input_format: 'best_effort' },
    });
    result.stream.resume();
  }

  async insertRejected(records: readonly RejectedRecord[]): Promise<void> {
    if (records.length === 0) return;
    const receivedAt = Date.now();
    await this.#client.insert({
      table: 'rejected_events',
      format: 'JSONEachRow',
      values: records.map((r) => ({
        received_at: receivedAt,
        source: r.source,
        location: r.location,
        reason: r.reason,
        raw: r.raw.slice(0, RAW_KEEP_CHARS),
      })),
    });
  }

  async ping(): Promise<boolean> {
    try {
      const r = await this.#client.query({ query: 'SELECT 1 AS ok', format: 'JSONEachRow' });
      return (await r.json<{ ok: number }>())[0]?.ok === 1;
    } catch {
      return false;
    }
  }
}
