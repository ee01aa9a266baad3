/**
 * The migrations' DDL for a ClickHouse cluster (NORTHSTAR_CLICKHOUSE_CLUSTER): each table
 * becomes `<name>_local`, a ReplicatedMergeTree of its kind created ON CLUSTER with the
 * usual `{shard}`/`{replica}` macros, and `<name>` becomes a Distributed table over it, so
 * every query and insert, written against `<name>`, reads and writes the whole cluster
 * without a change. Materialized views hang on the local tables (each shard rolls up the
 * rows it holds; the queries merge the states across shards as they merge them across parts).
 * Without a cluster the statements are returned untouched, byte for byte.
 *
 * Not exercised against a real cluster here (none can run on these machines): the tests
 * check the text and that the engine's parser accepts it (docs/scale-out.md says so too).
 */

/** How rows are spread over shards. Deterministic keys keep a retried insert's blocks (and their dedup tokens) on the same shards. */
const SHARDING_KEYS: Record<string, string> = {
  events: 'cityHash64(metric, id)',
  rejected_events: 'cityHash64(raw)',
  events_rollup_1m: 'cityHash64(metric)',
  events_rollup_1h: 'cityHash64(metric)',
  events_rollup_1d: 'cityHash64(metric)',
};
const DEFAULT_SHARDING_KEY = 'rand()';

export const localTable = (table: string) => `${table}_local`;

const CREATE_TABLE = /^(\s*CREATE TABLE IF NOT EXISTS )(\w+)(\s*\()([\s\S]*?\)\s*)ENGINE = (\w*MergeTree)(?:\(([^)]*)\))?([\s\S]*)$/;
const CREATE_VIEW = /^(\s*CREATE MATERIALIZED VIEW IF NOT EXISTS )(\w+)( TO )(\w+)( AS[\s\S]*)$/;
const ALTER_TABLE = /^(\s*ALTER TABLE )(\w+)( )([\s\S]*)$/;
/** ALTERs a Distributed table must follow too: the columns it shows. Indexes, settings and TTLs live in the local table alone. */
const COLUMN_ALTER = /^\s*(ADD|DROP|MODIFY|RENAME|COMMENT) COLUMN\b/i;

function replicated(table: string, engine: string, args: string | undefined): string {
  const path = `'/clickhouse/tables/{shard}/{database}/${localTable(table)}'`;
  const rest = args?.trim() ? `, ${args.trim()}` : '';
  return `Replicated${engine}(${path}, '{replica}'${rest})`;
}

/** The statements of one migration step for `cluster`; the same array when there is none. */
export function clusterStatements(statements: readonly string[], cluster: string | undefined): string[] {
  if (!cluster) return [...statements];
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(cluster)) throw new Error(`cluster name "${cluster.slice(0, 80)}" is not an identifier`);
  const on = `ON CLUSTER ${cluster}`;
  return statements.flatMap((s) => rewrite(s, cluster, on));
}

/** The non-replicated dedup window has its replicated twin. */
const replicatedSettings = (s: string) => s.replace(/\bnon_replicated_deduplication_window\b/g, 'replicated_deduplication_window');

function rewrite(statement: string, cluster: string, on: string): string[] {
  const table = CREATE_TABLE.exec(statement);
  if (table) {
    const [, head, name, open, columns, engine, args, tail] = table as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
      string | undefined,
      string,
    ];
    return [
      `${head}${localTable(name)} ${on}${open}${columns}ENGINE = ${replicated(name, engine, args)}${replicatedSettings(tail)}`,
      `${head}${name} ${on} AS ${localTable(name)}\n      ENGINE = Distributed(${cluster}, currentDatabase(), ${localTable(name)}, ${SHARDING_KEYS[name] ?? DEFAULT_SHARDING_KEY})`,
    ];
  }
  const view = CREATE_VIEW.exec(statement);
  if (view) {
    const [, head, name, to, target, select] = view as unknown as [string, string, string, string, string, string];
    // a view fires on inserts into the table it reads: the local one, where the rows land
    const local = select.replace(/\bFROM (\w+)/g, (_, src: string) => `FROM ${localTable(src)}`);
    return [`${head}${name} ${on}${to}${localTable(target)}${local}`];
  }
  const alter = ALTER_TABLE.exec(statement);
  if (alter) {
    const [, head, name, space, change] = alter as unknown as [string, string, string, string, string];
    const local = `${head}${localTable(name)} ${on}${space}${replicatedSettings(change)}`;
    if (!COLUMN_ALTER.test(change)) return [local];
    // a MATERIALIZED column is computed where rows are stored; the Distributed table only shows it
    const shown = change.replace(/\s+MATERIALIZED\s[\s\S]*$/i, '');
    return [local, `${head}${name} ${on}${space}${shown}`];
  }
  // a new kind of DDL must get its cluster form here, not run on one server unnoticed
  if (/^\s*(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/i.test(statement))
    throw new Error(`cluster DDL: no rule for ${statement.trim().slice(0, 80)}`);
  // INSERT ... SELECT and the like: through the Distributed tables, as the queries go
  return [statement];
}
