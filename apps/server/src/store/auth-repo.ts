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

/** Users, tokens and sessions as versioned rows in `auth_records` (migration 5); nothing is overwritten. */
export class AuthRepo {
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  /** The record in force per id of one kind (removed ones left out). */
  async current(kind: AuthKind): Promise<AuthRow[]> {
    const rows = await queryRows<{ id: string; v: number | string; body: string }>(
      this.#client,
      `SELECT id, max(version) AS v, argMax(body, version) AS body
       FROM auth_records WHERE kind = {kind:String} GROUP BY id`,
      { kind },
    );
    return rows.filter((r) => r.body !== '').map((r) => ({ kind, id: r.id, version: Number(r.v), body: r.body }));
  }

  /** One record in force, or null (never existed or removed). */
  async one(kind: AuthKind, id: string): Promise<AuthRow | null> {
    const rows = await queryRows<{ version: number | string; body: string }>(
      this.#client,
      `SELECT version, body FROM auth_records WHERE kind = {kind:String} AND id = {id:String} ORDER BY version DESC LIMIT 1`,
      { kind, id },
    );
    const r = rows[0];
    return r && r.body !== '' ? { kind, id, version: Number(r.version), body: r.body } : null;
  }

  async write(row: AuthRow, changedBy: string, atMs: number): Promise<void> {
    await this.#client.insert({
      table: 'auth_records',
      values: [{ kind: row.kind, id: row.id, version: row.version, body: row.body ?? '', changed_by: changedBy, changed_at: atMs }],
      format: 'JSONEachRow',
    });
  }
}
