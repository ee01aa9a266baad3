import type { ClickHouseClient } from '@clickhouse/client';
import type { SendRecordRow, SendState } from '../alerts/send-record.ts';
import { queryRows } from './query-rows.ts';
import type { AlertStateName, Silence } from '@northstar/shared';

export interface TransitionRow {
  key: string;
  rule: string;
  kpi: string;
  series: string;
  /** Counts firing episodes of one alert key: acknowledgements and feedback belong to one. */
  episode: number;
  from: AlertStateName;
  to: AlertStateName;
  reason: string;
  value: number | null;
  threshold: number | null;
  at: number;
}

export interface AckRow {
  key: string;
  episode: number;
  by: string;
  comment: string;
  at: number;
}

export interface FeedbackRow {
  key: string;
  episode: number;
  rule: string;
  kpi: string;
  detector: string;
  real: boolean;
  expected: boolean;
  note: string;
  fromTs: number;
  toTs: number;
  by: string;
  at: number;
}

export interface NotificationRow {
  key: string;
  channel: string;
  kind: string;
  ok: boolean;
  attempts: number;
  error: string;
  at: number;
}

/** Persistence of alert history and the people's actions on alerts. Values are bound parameters. */
export class AlertRepo {
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  async addTransitions(rows: readonly TransitionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#client.insert({
      table: 'alert_transitions',
      format: 'JSONEachRow',
      values: rows.map((r) => ({
        key: r.key,
        rule: r.rule,
        kpi: r.kpi,
        series: r.series,
        episode: r.episode,
        from_state: r.from,
        to_state: r.to,
        reason: r.reason,
        value: r.value,
        threshold: r.threshold,
        at: r.at,
      })),
    });
  }

  /** The newest transition of every alert key: the state to resume from after a restart. */
  async latestTransitions(): Promise<TransitionRow[]> {
    const rows = await queryRows<{
      key: string;
      a_rule: string;
      a_kpi: string;
      a_series: string;
      ep: string | number;
      f: AlertStateName;
      t: AlertStateName;
      why: string;
      v: number | null;
      th: number | null;
      at_ms: string | number;
    }>(
      this.#client,
      `SELECT key, argMax(rule, at) AS a_rule, argMax(kpi, at) AS a_kpi, argMax(series, at) AS a_series, argMax(episode, at) AS ep,
              argMax(from_state, at) AS f, argMax(to_state, at) AS t, argMax(reason, at) AS why,
              argMax(value, at) AS v, argMax(threshold, at) AS th, toUnixTimestamp64Milli(max(at)) AS at_ms
       FROM alert_transitions GROUP BY key`,
    );
    return rows.map((r) => ({
      key: r.key,
      rule: r.a_rule,
      kpi: r.a_kpi,
      series: r.a_series,
      episode: Number(r.ep),
      from: r.f,
      to: r.t,
      reason: r.why,
      value: r.v,
      threshold: r.th,
      at: Number(r.at_ms),
    }));
  }

  /**
   * When each firing episode began (its first transition to Alerting), per `${key}#${episode}`:
   * a new owner resumes an alert in Recovering, NoData or Error with the episode's start, which
   * is what the firing's idempotency key was made of.
   */
  async episodeStarts(): Promise<Map<string, number>> {
    const rows = await queryRows<{ key: string; episode: string | number; at_ms: string | number }>(
      this.#client,
      `SELECT key, episode, toUnixTimestamp64Milli(min(at)) AS at_ms FROM alert_transitions
       WHERE to_state = 'alerting' GROUP BY key, episode`,
    );
    return new Map(rows.map((r) => [`${r.key}#${Number(r.episode)}`, Number(r.at_ms)]));
  }

  async transitions(filter: { key?: string; kpi?: string; fromMs: number; toMs: number; limit: number }): Promise<TransitionRow[]> {
    const rows = await queryRows<{
      key: string;
      rule: string;
      kpi: string;
      series: string;
      episode: string | number;
      from_state: AlertStateName;
      to_state: AlertStateName;
      reason: string;
      value: number | null;
      threshold: number | null;
      at_ms: string | number;
    }>(
      this.#client,
      `SELECT key, rule, kpi, series, episode, from_state, to_state, reason, value, threshold, toUnixTimestamp64Milli(at) AS at_ms
       FROM alert_transitions
       WHERE ({key:String} = '' OR key = {key:String}) AND ({kpi:String} = '' OR kpi = {kpi:String})
         AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64})
       ORDER BY at DESC LIMIT {limit:UInt32}`,
      { key: filter.key ?? '', kpi: filter.kpi ?? '', from: filter.fromMs, to: filter.toMs, limit: filter.limit },
    );
    return rows.map((r) => ({
      key: r.key,
      rule: r.rule,
      kpi: r.kpi,
      series: r.series,
      episode: Number(r.episode),
      from: r.from_state,
      to: r.to_state,
      reason: r.reason,
      value: r.value,
      threshold: r.threshold,
      at: Number(r.at_ms),
    }));
  }

  async addAck(a: AckRow): Promise<void> {
    await this.#client.insert({ table: 'alert_acks', format: 'JSONEachRow', values: [a] });
  }

  /** The newest acknowledgement per (key, episode). */
  async acks(): Promise<AckRow[]> {
    const rows = await queryRows<{ key: string; episode: string | number; a_by: string; a_comment: string; at_ms: string | number }>(
      this.#client,
      `SELECT key, episode, argMax(by, at) AS a_by, argMax(comment, at) AS a_comment, toUnixTimestamp64Milli(max(at)) AS at_ms
       FROM alert_acks GROUP BY key, episode`,
    );
    return rows.map((r) => ({ key: r.key, episode: Number(r.episode), by: r.a_by, comment: r.a_comment, at: Number(r.at_ms) }));
  }

  async saveSilence(s: Silence, version: number): Promise<void> {
    await this.#client.insert({
      table: 'silences',
      format: 'JSONEachRow',
      values: [
        {
          id: s.id,
          version,
          matchers: JSON.stringify(s.matchers),
          starts_at: s.startsAt,
          ends_at: s.endsAt,
          comment: s.comment,
          created_by: s.createdBy,
          changed_at: Date.now(),
        },
      ],
    });
  }

  /** The newest version of every silence that has not yet ended. */
  async silences(nowMs: number): Promise<Array<Silence & { version: number }>> {
    const rows = await queryRows<{
      id: string;
      v: string | number;
      m: string;
      s_ms: string | number;
      e_ms: string | number;
      c: string;
      by: string;
    }>(
      this.#client,
      `SELECT id, max(version) AS v, argMax(matchers, version) AS m, toUnixTimestamp64Milli(argMax(starts_at, version)) AS s_ms,
              toUnixTimestamp64Milli(argMax(ends_at, version)) AS e_ms, argMax(comment, version) AS c, argMax(created_by, version) AS by
       FROM silences GROUP BY id HAVING e_ms > {now:Int64} ORDER BY s_ms`,
      { now: nowMs },
    );
    return rows.map((r) => ({
      id: r.id,
      version: Number(r.v),
      matchers: JSON.parse(r.m) as Silence['matchers'],
      startsAt: Number(r.s_ms),
      endsAt: Number(r.e_ms),
      comment: r.c,
      createdBy: r.by,
    }));
  }

  async addFeedback(f: FeedbackRow): Promise<void> {
    await this.#client.insert({
      table: 'alert_feedback',
      format: 'JSONEachRow',
      values: [
        {
          key: f.key,
          episode: f.episode,
          rule: f.rule,
          kpi: f.kpi,
          detector: f.detector,
          real: f.real ? 1 : 0,
          expected: f.expected ? 1 : 0,
          note: f.note,
          from_ts: f.fromTs,
          to_ts: f.toTs,
          by: f.by,
          at: f.at,
        },
      ],
    });
  }

  /** The newest verdict per (key, episode). */
  async feedback(): Promise<FeedbackRow[]> {
    const rows = await queryRows<{
      key: string;
      episode: string | number;
      a_rule: string;
      a_kpi: string;
      a_detector: string;
      a_real: number;
      a_expected: number;
      a_note: string;
      f_ms: string | number;
      t_ms: string | number;
      a_by: string;
      at_ms: string | number;
    }>(
      this.#client,
      `SELECT key, episode, argMax(rule, at) AS a_rule, argMax(kpi, at) AS a_kpi, argMax(detector, at) AS a_detector,
              argMax(real, at) AS a_real, argMax(expected, at) AS a_expected, argMax(note, at) AS a_note,
              toUnixTimestamp64Milli(argMax(from_ts, at)) AS f_ms, toUnixTimestamp64Milli(argMax(to_ts, at)) AS t_ms,
              argMax(by, at) AS a_by, toUnixTimestamp64Milli(max(at)) AS at_ms
       FROM alert_feedback GROUP BY key, episode`,
    );
    return rows.map((r) => ({
      key: r.key,
      episode: Number(r.episode),
      rule: r.a_rule,
      kpi: r.a_kpi,
      detector: r.a_detector,
      real: Number(r.a_real) === 1,
      expected: Number(r.a_expected) === 1,
      note: r.a_note,
      fromTs: Number(r.f_ms),
      toTs: Number(r.t_ms),
      by: r.a_by,
      at: Number(r.at_ms),
    }));
  }

  async addNotification(n: NotificationRow): Promise<void> {
    await this.#client.insert({
      table: 'notifications',
      format: 'JSONEachRow',
      values: [{ key: n.key, channel: n.channel, kind: n.kind, ok: n.ok ? 1 : 0, attempts: n.attempts, error: n.error, at: n.at }],
    });
  }

  /** Records that a channel accepted the batch with this idempotency key. */
  async markSent(idempotencyKey: string, channel: string, at: number): Promise<void> {
    await this.#client.insert({
      table: 'notification_keys',
      format: 'JSONEachRow',
      values: [{ idempotency_key: idempotencyKey, channel, at }],
    });
  }

  /** Records that a batch is about to go to a channel ('sending') or that the channel refused it ('refused'). */
  async markIntent(idempotencyKey: string, channel: string, state: SendState, at: number): Promise<void> {
    await this.#client.insert({
      table: 'notification_intents',
      format: 'JSONEachRow',
      values: [{ idempotency_key: idempotencyKey, channel, state, at }],
    });
  }

  /** What every instance recorded of this batch on this channel: intents, refusals and acceptance (alerts/send-record.ts decides). */
  async sendRecord(idempotencyKey: string, channel: string): Promise<SendRecordRow[]> {
    const rows = await queryRows<{ state: string; at: string | number }>(
      this.#client,
      `SELECT 'sent' AS state, toUnixTimestamp64Milli(at) AS at FROM notification_keys WHERE idempotency_key = {k:String} AND channel = {c:String}
       UNION ALL
       SELECT CAST(state AS String) AS state, toUnixTimestamp64Milli(at) AS at FROM notification_intents WHERE idempotency_key = {k:String} AND channel = {c:String}`,
      { k: idempotencyKey, c: channel },
    );
    return rows
      .filter((r): r is { state: SendRecordRow['state']; at: string | number } => ['sent', 'sending', 'refused'].includes(r.state))
      .map((r) => ({ state: r.state, at: Number(r.at) }));
  }
}
