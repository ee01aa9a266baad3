import type { ClickHouseClient } from '@clickhouse/client';
import { randomBytes } from 'node:crypto';
import { queryRows } from '../store/query-rows.ts';

/** Where digests remember what they sent, who opted in or out, and the key that signs unsubscribe links. Values are bound parameters. */

export interface DeliveryRow {
  person: string;
  objective: string;
  period: string;
  channel: string;
  ok: boolean;
  error: string;
  at: number;
}

export interface SubscriptionRow {
  person: string;
  objective: string;
  subscribed: boolean;
  by: string;
  at: number;
}

export class DigestRepo {
  readonly #client: ClickHouseClient;
  #key: Promise<string> | undefined;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  async addDelivery(d: DeliveryRow): Promise<void> {
    await this.#client.insert({
      table: 'digest_deliveries',
      format: 'JSONEachRow',
      values: [
        { person: d.person, objective: d.objective, period: d.period, channel: d.channel, ok: d.ok ? 1 : 0, error: d.error, at: d.at },
      ],
    });
  }

  /** The (person, objective, period, channel) keys delivered successfully in these periods. */
  async delivered(periods: readonly string[]): Promise<Set<string>> {
    if (periods.length === 0) return new Set();
    const rows = await queryRows<{ person: string; objective: string; period: string; channel: string }>(
      this.#client,
      `SELECT DISTINCT person, objective, period, channel FROM digest_deliveries WHERE ok = 1 AND has({periods:Array(String)}, period)`,
      { periods },
    );
    return new Set(rows.map((r) => deliveryKey(r.person, r.objective, r.period, r.channel)));
  }

  async setSubscription(s: SubscriptionRow): Promise<void> {
    await this.#client.insert({
      table: 'digest_subscriptions',
      format: 'JSONEachRow',
      values: [{ person: s.person, objective: s.objective, subscribed: s.subscribed ? 1 : 0, by: s.by, at: s.at }],
    });
  }

  /** The choice in force per (person, objective): the newest row. */
  async subscriptions(): Promise<SubscriptionRow[]> {
    const rows = await queryRows<{ person: string; objective: string; s: number; b: string; at_ms: string | number }>(
      this.#client,
      `SELECT person, objective, argMax(subscribed, at) AS s, argMax(by, at) AS b, toUnixTimestamp64Milli(max(at)) AS at_ms
       FROM digest_subscriptions GROUP BY person, objective`,
    );
    return rows.map((r) => ({ person: r.person, objective: r.objective, subscribed: Number(r.s) === 1, by: r.b, at: Number(r.at_ms) }));
  }

  /** The signing key of unsubscribe links: read once, made on first use. */
  signingKey(): Promise<string> {
    this.#key ??= (async () => {
      const read = async () =>
        (await queryRows<{ key: string }>(this.#client, 'SELECT key FROM digest_keys ORDER BY created_at, key LIMIT 1'))[0]?.key;
      const existing = await read();
      if (existing) return existing;
      await this.#client.insert({
        table: 'digest_keys',
        format: 'JSONEachRow',
        values: [{ key: randomBytes(32).toString('base64url'), created_at: Date.now() }],
      });
      return (await read()) as string;
    })().catch((err: unknown) => {
      // a store that failed once is asked again next time, not remembered as failed
      this.#key = undefined;
      throw err;
    });
    return this.#key;
  }
}

export function deliveryKey(person: string, objective: string, period: string, channel: string): string {
  return [person, objective, period, channel].join('\u0000');
}
