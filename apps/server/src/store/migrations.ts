import type { ClickHouseClient } from '@clickhouse/client';
import { clusterStatements } from './cluster-ddl.ts';

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/**
 * Append-only: a released migration is never edited, only followed by a new one.
 * MergeTree keeps the DDL valid on a single server; a cluster swaps the engine
 * for ReplicatedMergeTree + Distributed without touching the queries.
 */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'events and rejected events',
    statements: [
      `CREATE TABLE IF NOT EXISTS events (
        metric LowCardinality(String),
        ts DateTime64(3, 'UTC'),
        value Float64,
        id String,
        dims Map(LowCardinality(String), String),
        source LowCardinality(String),
        received_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      PARTITION BY toYYYYMM(ts)
      ORDER BY (metric, ts)
      -- a retried insert with the same insert_deduplication_token is dropped
      SETTINGS non_replicated_deduplication_window = 10000`,
      `CREATE TABLE IF NOT EXISTS rejected_events (
        received_at DateTime64(3, 'UTC'),
        source LowCardinality(String),
        location String,
        reason String,
        raw String
      ) ENGINE = MergeTree
      ORDER BY received_at`,
    ],
  },
  {
    version: 2,
    name: 'alignment model with versions, check-ins, annotations, milestones',
    statements: [
      // Every change to an objective, KPI or goal is a new row; the newest row per id is the
      // definition in force, a 'delete' row ends it, and nothing is ever overwritten.
      `CREATE TABLE IF NOT EXISTS model_versions (
        kind LowCardinality(String),
        id String,
        version UInt32,
        -- a model-wide sequence: the order things were made in is the order they are shown in
        seq UInt64,
        op LowCardinality(String),
        body String,
        author String,
        reason String,
        changed_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (kind, id, version)`,
      `CREATE TABLE IF NOT EXISTS checkins (
        id String,
        subject_kind LowCardinality(String),
        subject_id String,
        confidence LowCardinality(String),
        narrative String,
        value Nullable(Float64),
        author String,
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (subject_kind, subject_id, at)`,
      `CREATE TABLE IF NOT EXISTS annotations (
        id String,
        kpi String,
        ts DateTime64(3, 'UTC'),
        kind LowCardinality(String),
        text String,
        author String,
        created_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (kpi, ts)`,
      `CREATE TABLE IF NOT EXISTS milestones (
        kind LowCardinality(String),
        id String,
        name String,
        period String,
        value Float64,
        reached_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (kind, id, period)`,
      `CREATE TABLE IF NOT EXISTS config_imports (
        source String,
        sha256 String,
        changes UInt32,
        imported_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY imported_at`,
    ],
  },
  {
    version: 3,
    name: 'alerts: transitions, acknowledgements, silences, feedback, notifications',
    statements: [
      // every state change of every alert, with its reason: the audit trail and the source of truth after a restart
      `CREATE TABLE IF NOT EXISTS alert_transitions (
        key String,
        rule String,
        kpi String,
        series String,
        episode UInt64,
        from_state LowCardinality(String),
        to_state LowCardinality(String),
        reason String,
        value Nullable(Float64),
        threshold Nullable(Float64),
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (key, at)`,
      `CREATE TABLE IF NOT EXISTS alert_acks (
        key String,
        episode UInt64,
        by String,
        comment String,
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (key, episode, at)`,
      `CREATE TABLE IF NOT EXISTS silences (
        id String,
        version UInt32,
        matchers String,
        starts_at DateTime64(3, 'UTC'),
        ends_at DateTime64(3, 'UTC'),
        comment String,
        created_by String,
        changed_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (id, version)`,
      `CREATE TABLE IF NOT EXISTS alert_feedback (
        key String,
        episode UInt64,
        rule String,
        kpi String,
        detector String,
        real UInt8,
        expected UInt8,
        note String,
        from_ts DateTime64(3, 'UTC'),
        to_ts DateTime64(3, 'UTC'),
        by String,
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (kpi, at)`,
      `CREATE TABLE IF NOT EXISTS notifications (
        key String,
        channel String,
        kind LowCardinality(String),
        ok UInt8,
        attempts UInt8,
        error String,
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (key, at)`,
    ],
  },
  {
    version: 4,
    name: 'rollups: minute, hour and day aggregate states, filled by materialized views',
    statements: [
      // Keyed by the whole dims map, so a filter, a breakdown or a distinct count by any
      // dimension is exact over the rollups. The price is cardinality: a rollup row per
      // (metric, bucket, distinct dims combination), so a dimension holding per-event ids
      // makes the minute rollup as large as the raw table. See docs/history.md.
      ...(['1m', '1h', '1d'] as const).map(
        (grain) => `CREATE TABLE IF NOT EXISTS events_rollup_${grain} (
        metric LowCardinality(String),
        bucket DateTime('UTC'),
        dims Map(LowCardinality(String), String),
        n SimpleAggregateFunction(sum, UInt64),
        total SimpleAggregateFunction(sum, Float64),
        lo SimpleAggregateFunction(min, Float64),
        hi SimpleAggregateFunction(max, Float64),
        -- one reservoir (8192 values) answers every percentile a KPI may ask for (p50-p99);
        -- it is the state the raw path's quantile keeps, so both agree exactly up to 8192 values
        q AggregateFunction(quantiles(0.5, 0.9, 0.95, 0.99), Float64)
      ) ENGINE = AggregatingMergeTree
      PARTITION BY toYYYYMM(bucket)
      ORDER BY (metric, bucket, dims)
      -- a raw insert dropped as a repeat (its insert_deduplication_token seen) still runs the
      -- views; each rollup drops the repeated block by the token derived from the raw one
      SETTINGS non_replicated_deduplication_window = 10000`,
      ),
      // Cascaded: events -> minute -> hour -> day, so each view aggregates the (smaller) level below.
      `CREATE MATERIALIZED VIEW IF NOT EXISTS events_rollup_1m_mv TO events_rollup_1m AS
        SELECT metric, toDateTime(toStartOfMinute(ts), 'UTC') AS bucket, dims,
               count() AS n, sum(value) AS total, min(value) AS lo, max(value) AS hi,
               quantilesState(0.5, 0.9, 0.95, 0.99)(value) AS q
        FROM events GROUP BY metric, bucket, dims`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS events_rollup_1h_mv TO events_rollup_1h AS
        SELECT metric, toStartOfHour(bucket) AS bucket, dims,
               sum(n) AS n, sum(total) AS total, min(lo) AS lo, max(hi) AS hi,
               quantilesMergeState(0.5, 0.9, 0.95, 0.99)(q) AS q
        FROM events_rollup_1m GROUP BY metric, bucket, dims`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS events_rollup_1d_mv TO events_rollup_1d AS
        SELECT metric, toStartOfDay(bucket) AS bucket, dims,
               sum(n) AS n, sum(total) AS total, min(lo) AS lo, max(hi) AS hi,
               quantilesMergeState(0.5, 0.9, 0.95, 0.99)(q) AS q
        FROM events_rollup_1h GROUP BY metric, bucket, dims`,
      // Events stored before this migration: one insert into the minute level cascades to the others.
      // Migrations run before ingest starts, so nothing is counted twice.
      `INSERT INTO events_rollup_1m
        SELECT metric, toDateTime(toStartOfMinute(ts), 'UTC') AS bucket, dims,
               count() AS n, sum(value) AS total, min(value) AS lo, max(value) AS hi,
               quantilesState(0.5, 0.9, 0.95, 0.99)(value) AS q
        FROM events GROUP BY metric, bucket, dims
        SETTINGS insert_deduplicate = 0`,
    ],
  },
  {
    version: 5,
    name: 'auth: users, API and kiosk tokens, sessions (versioned rows)',
    statements: [
      // Like model_versions: every change is a new row and the newest per (kind, id) is in
      // force; body '' ends it (a deleted user, a revoked token, a logged-out session).
      // Secrets are never stored: passwords as scrypt hashes, tokens and session ids as SHA-256.
      `CREATE TABLE IF NOT EXISTS auth_records (
        kind LowCardinality(String),
        id String,
        version UInt32,
        body String,
        changed_by String,
        changed_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (kind, id, version)
      -- sessions live at most 30 days (NORTHSTAR_SESSION_HOURS is capped below that)
      TTL toDateTime(changed_at) + INTERVAL 31 DAY DELETE WHERE kind = 'session'`,
    ],
  },
  {
    version: 6,
    name: 'idempotent ingest: id bloom filter on events, dedup window on rejected_events',
    statements: [
      // Ingest asks "which of these ids are stored?" within the batch's metrics and time
      // range; the bloom filter lets that skip the granules of the range that lack them.
      // Parts written before this migration have no index and are read in full by that
      // check (correct, only slower) until merges rewrite them.
      `ALTER TABLE events ADD INDEX IF NOT EXISTS events_id_bloom id TYPE bloom_filter(0.001) GRANULARITY 1`,
      // rejects of a redelivered Kafka batch carry the batch's token and are kept once
      `ALTER TABLE rejected_events MODIFY SETTING non_replicated_deduplication_window = 10000`,
    ],
  },
  {
    version: 7,
    name: 'cheaper id checks: a stored hash of each id instead of the id bloom filter',
    statements: [
      // The id check (EventStore.storedIds) compares 32-bit hashes of the batch's ids with
      // the stored events' in the batch's metrics and ±10 min: reading 4 stored bytes per row
      // instead of the id and hashing it halves its CPU (bench/id-check.ts). Parts written
      // before this have no such column: the engine computes it from `id` when they are read,
      // so they answer the same, only at the old cost.
      `ALTER TABLE events ADD COLUMN IF NOT EXISTS id_hash UInt32 MATERIALIZED murmurHash3_32(id)`,
      // No query uses the bloom filter (20 000 ids at a time pass every granule), and keeping
      // it up to date cost every insert a fifth more CPU (bench/insert-cost.ts). Dropping an
      // index removes only its files, never rows.
      `ALTER TABLE events DROP INDEX IF EXISTS events_id_bloom`,
    ],
  },
  {
    version: 9,
    name: 'single sign-on: pending sign-ins, shared by every instance',
    statements: [
      // A sign-in started on one instance may come back from the provider to another. The
      // flow (state, nonce, PKCE verifier, where to return) is sealed with a key only the
      // browser's flow cookie gives (auth/oidc-flows.ts); `key` is the cookie's SHA-256.
      // A second row with used = 1 marks it taken: it is used once, on any instance.
      `CREATE TABLE IF NOT EXISTS oidc_pending (
        key String,
        sealed String,
        used UInt8,
        expires_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY key
      TTL toDateTime(expires_at) + INTERVAL 1 HOUR DELETE`,
    ],
  },
  {
    version: 11,
    name: 'review digests: deliveries, subscriptions, the unsubscribe signing key',
    statements: [
      // one row per digest sent (or failed) to a person on a channel: a restart reads these and does not resend
      `CREATE TABLE IF NOT EXISTS digest_deliveries (
        person String,
        objective String,
        period String,
        channel LowCardinality(String),
        ok UInt8,
        error String,
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (person, objective, period, at)`,
      // versioned rows: the newest per (person, objective) is in force; owners are subscribed until they say otherwise
      `CREATE TABLE IF NOT EXISTS digest_subscriptions (
        person String,
        objective String,
        subscribed UInt8,
        by String,
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (person, objective, at)`,
      // the HMAC key of unsubscribe links, made on first use; the oldest row wins if two servers raced
      `CREATE TABLE IF NOT EXISTS digest_keys (
        key String,
        created_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY created_at`,
    ],
  },
  // 8 and 10 are unused: the runner applies what is missing in order, gaps included
  {
    version: 12,
    name: 'share links: read-only links to a board, a KPI page or an objective subtree (versioned rows)',
    statements: [
      // Like auth_records: every change (made, revoked) is a new row and the newest per id is
      // in force. The token is never stored, only its SHA-256 in the body's hash field.
      `CREATE TABLE IF NOT EXISTS share_links (
        id String,
        version UInt32,
        body String,
        changed_by String,
        changed_at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (id, version)`,
    ],
  },
  {
    version: 13,
    name: 'alert notifications sent, by idempotency key and channel',
    statements: [
      // one row per batch a channel accepted: a restarted instance, or another instance telling
      // the same transition, reads these and does not send it again (issue 17.2)
      `CREATE TABLE IF NOT EXISTS notification_keys (
        idempotency_key String,
        channel String,
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (idempotency_key, channel)`,
    ],
  },
  {
    version: 14,
    name: 'alert notification intents: a send asked of a channel, and a refusal',
    statements: [
      // 'sending' before a batch goes to a channel, 'refused' when the channel answers no: a
      // restarted instance or a new owner that finds 'sending' with no sent record (13) knows
      // the channel may have shown it (alerts/send-record.ts)
      `CREATE TABLE IF NOT EXISTS notification_intents (
        idempotency_key String,
        channel String,
        state LowCardinality(String),
        at DateTime64(3, 'UTC')
      ) ENGINE = MergeTree
      ORDER BY (idempotency_key, channel, at)`,
    ],
  },
  {
    version: 15,
    name: 'alert notification send record: kept 30 days',
    statements: [
      // Both grew forever. A key is asked about again only while its batch can be released
      // again, which Dispatcher.retell bounds below this: SEND_RECORD_DAYS in alerts/send-record.ts
      // says why, and a test checks it matches. Rows already older go at the next merges.
      `ALTER TABLE notification_keys MODIFY TTL toDateTime(at) + INTERVAL 30 DAY DELETE`,
      `ALTER TABLE notification_intents MODIFY TTL toDateTime(at) + INTERVAL 30 DAY DELETE`,
    ],
  },
];

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = MergeTree ORDER BY version`;

export interface MigrateOptions {
  /** NORTHSTAR_CLICKHOUSE_CLUSTER: the DDL for a cluster (store/cluster-ddl.ts); unset, the statements above as they are. */
  cluster?: string | undefined;
}

/**
 * Applies every migration not yet in the ledger, in order; running it twice changes nothing.
 * Versions may have gaps (each session's helpers take their own numbers): only order counts.
 */
export async function migrate(
  client: ClickHouseClient,
  migrations: Migration[] = MIGRATIONS,
  options: MigrateOptions = {},
): Promise<number[]> {
  for (const query of clusterStatements([LEDGER], options.cluster)) await client.command({ query });
  const result = await client.query({ query: 'SELECT version FROM schema_migrations', format: 'JSONEachRow' });
  const applied = new Set((await result.json<{ version: number }>()).map((r) => Number(r.version)));
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    for (const statement of clusterStatements(m.statements, options.cluster)) await client.command({ query: statement });
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' });
    done.push(m.version);
  }
  return done;
}
