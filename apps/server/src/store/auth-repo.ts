import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './query-rows.ts';

export type AuthKind = 'user' | 'token' | 'session';

export interface AuthRow {
  kind: AuthKind;
  id: string;
  version: number;
  /** JSON of the record; null once it was removed. */
  body: string | null;
}

/**
 * Users, tokens and sessions as versioned rows in `auth_records` (migration 5); nothing is overwritten.
 * Two rows of one version (two instances creating the same record at once) are settled the
 * same way by every reader: the one the store received first wins (then the smaller body, so
 * even a tie in the millisecond reads the same everywhere).
 */
export class AuthRepo {
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  /** The record in force per id of one kind (removed ones left out). */
  async current(kind: AuthKind): Promise<AuthRow[]> {
    const rows = await queryRows<{ id: string; v: number | string; body: string }>(
      this.#client,
      `SELECT id, max(version) AS v, argMin(body, (-toInt64(version), changed_at, body)) AS body
       FROM auth_records WHERE kind = {kind:String} GROUP BY id`,
      { kind },
    );
    return rows.filter((r) => r.body !== '').map((r) => ({ kind, id: r.id, version: Number(r.v), body: r.body }));
  }

  /** One record in force, or null (never existed or removed). */
  async one(kind: AuthKind, id: string): Promise<AuthRow | null> {
    const rows = await queryRows<{ version: number | string; body: string }>(
      this.#client,
      `SELECT version, body FROM auth_records WHERE kind = {kind:String} AND id = {id:String} ORDER BY version DESC, changed_at, body LIMIT 1`,
      { kind, id },
    );
    const r = rows[0];
    return r && r.body !== '' ? { kind, id, version: Number(r.version), body: r.body } : null;
  }

  /**
   * Writes the first version of a record stamped with the store's clock, not this process's:
   * instances racing to create the same record are then ordered by when the store got their
   * rows, which is what decides the winner (see the class comment). Whoever reads the record
   * after its own insert and finds another body has lost. (Left open: a row the store stamped
   * before ours but made visible only after our read, a window as long as one small insert.)
   */
  async create(row: AuthRow & { version: 1; body: string }, changedBy: string): Promise<void> {
    await this.#client.command({
      query: `INSERT INTO auth_records (kind, id, version, body, changed_by, changed_at)
              SELECT {kind:String}, {id:String}, 1, {body:String}, {by:String}, now64(3, 'UTC')`,
      query_params: { kind: row.kind, id: row.id, body: row.body, by: changedBy },
    });
  }

  async write(row: AuthRow, changedBy: string, atMs: number): Promise<void> {
    await this.#client.insert({
      table: 'auth_records',
      values: [{ kind: row.kind, id: row.id, version: row.version, body: row.body ?? '', changed_by: changedBy, changed_at: atMs }],
      format: 'JSONEachRow',
    });
  }
}
