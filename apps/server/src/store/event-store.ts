import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricEvent } from '@northstar/shared';
import { DEDUP_WINDOW_MS, withinWindow } from './event-identity.ts';
import { IdentityMap } from './identity-map.ts';
import { EVENT_COLUMNS, eventLinesSliced } from './event-lines.ts';
import { inLoopSlices } from './loop-slices.ts';
import { ingestPathsFor, type IngestPaths } from './ingest-paths.ts';
import { idHashOf } from './prebuilt-lines.ts';
import { historyReadsFor } from './read-paths.ts';
import type { WrittenSpan } from './series-cache.ts';

export type EventSource = 'http' | 'kafka' | 'demo' | 'import';

export interface RejectedRecord {
  source: EventSource;
  /** Where the producer can find it: "line 12", "partition 2 offset 991". */
  location: string;
  reason: string;
  raw: string;
  /** Keep all of `raw`: the DLQ holds only a bounded copy of it, or none. */
  whole?: boolean;
}

/**
 * A rejected payload is kept for diagnosis, not in full: a 10 MiB line would bloat the
 * table. A Kafka reject the DLQ could not take whole is the exception (`whole`): this row
 * is then its only full copy; a Kafka message is bounded by the broker's message size.
 */
const RAW_KEEP_CHARS = 4096;

/** Lone surrogates as U+FFFD: the engine refuses JSON input holding one, and a reject must always be keepable. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD');

/** ClickHouse's default `max_query_size`. */
const DEFAULT_MAX_QUERY_BYTES = 262_144;

/** An integer as SQL text; anything else is a bug here, never input, and must not reach the SQL. */
function integer(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
}

/** Per metric, the earliest and latest event time of a batch: what the series cache must forget. */
export async function writtenSpans(events: readonly MetricEvent[]): Promise<Map<string, WrittenSpan>> {
  const spans = new Map<string, WrittenSpan>();
  await inLoopSlices(events.length, (from, to) => {
    for (let i = from; i < to; i++) {
      const e = events[i]!;
      const span = spans.get(e.metric);
      if (!span) spans.set(e.metric, { minTs: e.ts, maxTs: e.ts });
      else if (e.ts < span.minTs) span.minTs = e.ts;
      else if (e.ts > span.maxTs) span.maxTs = e.ts;
    }
  });
  return spans;
}

export class EventStore {
  readonly #client: ClickHouseClient;
  readonly #ingest: IngestPaths;

  constructor(client: ClickHouseClient, ingest: IngestPaths = ingestPathsFor(client)) {
    this.#client = client;
    this.#ingest = ingest;
  }

  /**
   * One insert per call. The token makes a retry of the same batch a no-op
   * (ClickHouse drops a block whose token it has seen); callers without a natural
   * token get a random one, so two identical legitimate batches are both kept.
   * The body is built once as bytes and handed to the engine as is (ingest-paths.ts).
   */
  async insertEvents(
    events: readonly MetricEvent[],
    source: EventSource,
    dedupToken: string = randomUUID(),
    /** When ingest took each event; the insert time for those it does not know. */
    receivedAt?: (e: MetricEvent) => number | undefined,
  ): Promise<void> {
    if (events.length === 0) return;
    const body = await eventLinesSliced(events, source, Date.now(), receivedAt);
    const cache = historyReadsFor(this.#client).cache;
    // told in the same turn as the insert returns, so no cached point outlives the write by a tick
    const spans = cache ? await writtenSpans(events) : undefined;
    try {
      await this.#insertBody(body, dedupToken);
    } finally {
      // after the insert (the rows and their rollups are visible), also after a failed one,
      // part of which may have landed: the series cache drops what these events may touch
      if (cache && spans) cache.written(spans);
    }
  }

  async #insertBody(body: Buffer, dedupToken: string): Promise<void> {
    await this.#ingest.insertBytes({
      table: 'events',
      columns: EVENT_COLUMNS,
      format: 'JSONEachRow',
      body,
      settings: {
        insert_deduplication_token: dedupToken,
        date_time_input_format: 'best_effort',
        // the rollup views hand over blocks already grouped by their key: sorting and merging
        // them again on insert (the default) costs the views' inserts ~15 % CPU for nothing
        // (bench/insert-cost.ts); background merges and the queries' GROUP BY combine states anyway
        optimize_on_insert: 0,
      },
    });
  }

  /**
   * Which of these events the store already holds, by the identity of event-identity.ts:
   * a stored row with the same metric and id whose ts is within the window of the event's.
   * Bounded by the batch's time range widened by the window. The engine compares the stored
   * 32-bit hash of each id (`id_hash`, migration 7: 4 bytes a row instead of reading and
   * hashing the id) with the batch's; the rows it returns are compared exactly here (metric,
   * id and time), so a hash collision only returns a row that matches nothing.
   *
   * The SQL carries no bound parameters, on purpose: chdb-node runs every parameterised
   * query of the process in one chain, one at a time, so a check bound by parameters made
   * every history and wall query wait behind it while ingest ran (bench/history, phase 2).
   * What it inlines is integers this code computed (the times and the hashes), checked as
   * such; no producer text reaches the SQL. (Leaving out the batch's metrics, which are
   * text, costs little: a live batch holds nearly every chatty metric anyway.)
   */
  async storedIds(events: readonly MetricEvent[]): Promise<Set<MetricEvent>> {
    if (events.length === 0) return new Set();
    let lo = Infinity;
    let hi = -Infinity;
    const hashes = new Uint32Array(events.length);
    await inLoopSlices(events.length, (from, to) => {
      for (let i = from; i < to; i++) {
        const e = events[i]!;
        if (e.ts < lo) lo = e.ts;
        if (e.ts > hi) hi = e.ts;
        // a decode worker's hash when it decoded the event, else computed here
        hashes[i] = idHashOf(e);
      }
    });
    // a Uint32Array holds only integers 0…2^32-1, so its text is digits and newlines by construction
    const query = `SELECT metric, id, toUnixTimestamp64Milli(ts) AS t FROM events
        WHERE ts BETWEEN fromUnixTimestamp64Milli(${integer(lo - DEDUP_WINDOW_MS)}, 'UTC') AND fromUnixTimestamp64Milli(${integer(hi + DEDUP_WINDOW_MS)}, 'UTC')
          AND id_hash IN (SELECT h FROM format(TSVRaw, 'h UInt32', '${hashes.join('\n')}'))`;
    // on ingest's own connection (ingest-paths.ts): history and wall queries do not wait for it
    const result = await this.#ingest.idChecks.query({
      query,
      format: 'JSONEachRow',
      // the hashes are in the text: a Kafka batch of 30 000 events passes the default 256 KiB
      clickhouse_settings: { max_query_size: String(Math.max(DEFAULT_MAX_QUERY_BYTES, 2 * Buffer.byteLength(query))) },
    });
    const stored = new IdentityMap<number[]>();
    for (const r of await result.json<{ metric: string; id: string; t: string | number }>()) {
      const list = stored.get(r.metric, r.id);
      if (list) list.push(Number(r.t));
      else stored.set(r.metric, r.id, [Number(r.t)]);
    }
    const found = new Set<MetricEvent>();
    if (stored.size === 0) return found;
    for (const e of events) if (stored.get(e.metric, e.id)?.some((t) => withinWindow(t, e.ts))) found.add(e);
    return found;
  }

  /** With a token, a retried batch of rejects (the same Kafka offset range) is kept once. */
  async insertRejected(records: readonly RejectedRecord[], dedupToken?: string): Promise<void> {
    if (records.length === 0) return;
    const receivedAt = Date.now();
    await this.#client.insert({
      table: 'rejected_events',
      format: 'JSONEachRow',
      // always a token of its own: chdb keeps the last insert's token in its session, and a
      // reject inserted under the events' stale token was dropped as a repeat (data lost)
      clickhouse_settings: { insert_deduplication_token: dedupToken ?? randomUUID() },
      values: records.map((r) => ({
        received_at: receivedAt,
        source: r.source,
        location: wellFormed(r.location),
        reason: wellFormed(r.reason),
        raw: wellFormed(r.whole ? r.raw : r.raw.slice(0, RAW_KEEP_CHARS)),
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
