import type { ClickHouseClient } from '@clickhouse/client';

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
];

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = MergeTree ORDER BY version`;

/** Applies every migration not yet in the ledger, in order; running it twice changes nothing. */
export async function migrate(client: ClickHouseClient, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  await client.command({ query: LEDGER });
  const result = await client.query({ query: 'SELECT version FROM schema_migrations', format: 'JSONEachRow' });
  const applied = new Set((await result.json<{ version: number }>()).map((r) => Number(r.version)));
  const done: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    for (const statement of m.statements) await client.command({ query: statement });
    await client.insert({ table: 'schema_migrations', values: [{ version: m.version, name: m.name }], format: 'JSONEachRow' });
    done.push(m.version);
  }
  return done;
}
