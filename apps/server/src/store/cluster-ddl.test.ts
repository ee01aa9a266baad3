import { describe, expect, it } from 'vitest';
import { clusterStatements } from './cluster-ddl.ts';
import { MIGRATIONS } from './migrations.ts';

const all = MIGRATIONS.flatMap((m) => m.statements);
const onCluster = clusterStatements(all, 'northstar');
const find = (re: RegExp) => onCluster.filter((s) => re.test(s));

describe('cluster DDL', () => {
  it('leaves every statement byte for byte as it is without a cluster', () => {
    for (const m of MIGRATIONS) {
      const out = clusterStatements(m.statements, undefined);
      expect(out).toHaveLength(m.statements.length);
      out.forEach((s, i) => expect(s === m.statements[i]).toBe(true));
    }
  });

  it('makes each table a ReplicatedMergeTree of its kind ON CLUSTER with the shard and replica macros', () => {
    const [events] = find(/CREATE TABLE IF NOT EXISTS events_local /);
    expect(events).toMatch(/^\s*CREATE TABLE IF NOT EXISTS events_local ON CLUSTER northstar \(\n\s+metric LowCardinality\(String\)/);
    expect(events).toContain("ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}')");
    expect(events).toContain('PARTITION BY toYYYYMM(ts)');
    expect(events).toContain('SETTINGS replicated_deduplication_window = 10000');
    expect(events).not.toContain('non_replicated');
    const [minute] = find(/CREATE TABLE IF NOT EXISTS events_rollup_1m_local /);
    expect(minute).toContain(
      "ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/events_rollup_1m_local', '{replica}')",
    );
    // no table is left on one server: every MergeTree is replicated and made on the whole cluster
    for (const s of find(/^\s*CREATE TABLE/)) {
      expect(s).toMatch(/ ON CLUSTER northstar /);
      expect(s).not.toMatch(/ENGINE = (?!Replicated|Distributed)/);
    }
  });

  it('puts a Distributed table under each original name, so queries and inserts reach the whole cluster', () => {
    const created = all.flatMap((s) => /CREATE TABLE IF NOT EXISTS (\w+)/.exec(s)?.[1] ?? []);
    expect(created.length).toBeGreaterThan(10);
    for (const name of created) {
      const dist = find(new RegExp(`CREATE TABLE IF NOT EXISTS ${name} ON CLUSTER northstar AS ${name}_local\\b`));
      expect(dist, name).toHaveLength(1);
      expect(dist[0]).toMatch(new RegExp(`ENGINE = Distributed\\(northstar, currentDatabase\\(\\), ${name}_local, .+\\)$`));
    }
    expect(find(/AS events_local/)[0]).toContain('cityHash64(metric, id)');
  });

  it('hangs the rollup views on the local tables, reading and writing them', () => {
    const views = find(/CREATE MATERIALIZED VIEW/);
    expect(views).toHaveLength(3);
    expect(views[0]).toMatch(/events_rollup_1m_mv ON CLUSTER northstar TO events_rollup_1m_local AS[\s\S]*FROM events_local GROUP BY/);
    expect(views[1]).toMatch(/TO events_rollup_1h_local AS[\s\S]*FROM events_rollup_1m_local GROUP BY/);
    expect(views[2]).toMatch(/TO events_rollup_1d_local AS[\s\S]*FROM events_rollup_1h_local GROUP BY/);
  });

  it('alters the local tables ON CLUSTER, and the Distributed table only for the columns it shows', () => {
    const idHash = find(/ADD COLUMN IF NOT EXISTS id_hash/);
    expect(idHash).toEqual([
      'ALTER TABLE events_local ON CLUSTER northstar ADD COLUMN IF NOT EXISTS id_hash UInt32 MATERIALIZED murmurHash3_32(id)',
      'ALTER TABLE events ON CLUSTER northstar ADD COLUMN IF NOT EXISTS id_hash UInt32',
    ]);
    expect(find(/DROP INDEX/)).toEqual(['ALTER TABLE events_local ON CLUSTER northstar DROP INDEX IF EXISTS events_id_bloom']);
    expect(find(/MODIFY SETTING/)).toEqual([
      'ALTER TABLE rejected_events_local ON CLUSTER northstar MODIFY SETTING replicated_deduplication_window = 10000',
    ]);
    // the rollups' backfill goes through the Distributed tables, as inserts do
    expect(find(/^\s*INSERT INTO events_rollup_1m\n/)).toHaveLength(1);
  });

  it('refuses DDL it has no cluster form for, and a cluster name that is not an identifier', () => {
    expect(() => clusterStatements(['DROP TABLE events'], 'northstar')).toThrow(/no rule for DROP TABLE events/);
    expect(() => clusterStatements(['SELECT 1'], 'a; DROP')).toThrow(/not an identifier/);
  });
});
