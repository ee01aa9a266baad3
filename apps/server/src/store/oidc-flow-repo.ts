import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './query-rows.ts';

/** Where pending single sign-ins wait for the provider's answer (auth/oidc-flows.ts seals what is kept). */
export interface PendingFlowStore {
  save(key: string, sealed: string, expiresAtMs: number): Promise<void>;
  /** The sealed flow under `key` if it is live and unused, marking it used: a second take, here or on another instance, finds nothing. */
  take(key: string, nowMs: number): Promise<string | undefined>;
  /** How many flows are live and unused (they are bounded: unauthenticated requests start them). */
  live(nowMs: number): Promise<number>;
}

/** Pending sign-ins in `oidc_pending` (migration 9), so every instance sharing the store can finish one. */
export class OidcFlowRepo implements PendingFlowStore {
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  async save(key: string, sealed: string, expiresAtMs: number): Promise<void> {
    await this.#client.insert({
      table: 'oidc_pending',
      values: [{ key, sealed, used: 0, expires_at: expiresAtMs }],
      format: 'JSONEachRow',
    });
  }

  async take(key: string, nowMs: number): Promise<string | undefined> {
    const rows = await queryRows<{ sealed: string; used: number | string; e: number | string }>(
      this.#client,
      `SELECT sealed, used, toUnixTimestamp64Milli(expires_at) AS e FROM oidc_pending
       WHERE key = {key:String} AND expires_at > fromUnixTimestamp64Milli({now:Int64}, 'UTC')`,
      { key, now: nowMs },
    );
    const flow = rows.find((r) => Number(r.used) === 0);
    if (!flow || rows.some((r) => Number(r.used) === 1)) return undefined;
    // the mark lives as long as the flow would have: after that the flow is expired anyway
    await this.#client.insert({
      table: 'oidc_pending',
      values: [{ key, sealed: '', used: 1, expires_at: Number(flow.e) }],
      format: 'JSONEachRow',
    });
    return flow.sealed;
  }

  async live(nowMs: number): Promise<number> {
    const [row] = await queryRows<{ n: number | string }>(
      this.#client,
      `SELECT count() AS n FROM (
         SELECT key FROM oidc_pending WHERE expires_at > fromUnixTimestamp64Milli({now:Int64}, 'UTC') GROUP BY key HAVING max(used) = 0
       )`,
      { now: nowMs },
    );
    return Math.max(0, Number(row?.n ?? 0));
  }
}
