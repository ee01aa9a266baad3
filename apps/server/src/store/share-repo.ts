import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './query-rows.ts';

export interface ShareRow {
  id: string;
  version: number;
  /** JSON of the share record (share/share-service.ts). */
  body: string;
}

/** Share links as versioned rows in `share_links` (migration 12); a revocation is a new version, nothing is overwritten. */
export class ShareRepo {
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  /** The version in force of every link, revoked ones included (a revoked link's page says so). */
  async current(): Promise<ShareRow[]> {
    const rows = await queryRows<{ id: string; v: number | string; body: string }>(
      this.#client,
      `SELECT id, max(version) AS v, argMax(body, version) AS body FROM share_links GROUP BY id`,
      {},
    );
    return rows.map((r) => ({ id: r.id, version: Number(r.v), body: r.body }));
  }

  async write(row: ShareRow, changedBy: string, atMs: number): Promise<void> {
    await this.#client.insert({
      table: 'share_links',
      values: [{ id: row.id, version: row.version, body: row.body, changed_by: changedBy, changed_at: atMs }],
      format: 'JSONEachRow',
    });
  }
}
