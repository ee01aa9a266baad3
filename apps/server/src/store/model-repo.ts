import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './query-rows.ts';
import type { Annotation, Checkin, Milestone } from '@northstar/shared';

/** `channel`, `route`: notification channels and routes made in the app; `setting`: app settings an admin changes (embed origins). */
export type EntityKind = 'objective' | 'kpi' | 'goal' | 'rule' | 'board' | 'channel' | 'route' | 'setting';

export interface VersionRow {
  kind: EntityKind;
  id: string;
  version: number;
  /** Model-wide order of changes; an entity's first seq orders it in lists. */
  seq: number;
  op: 'upsert' | 'delete';
  /** The definition as JSON; empty for a delete. */
  body: string;
  author: string;
  reason: string;
  /** Epoch ms. */
  changedAt: number;
}

interface RawVersionRow {
  kind: EntityKind;
  id: string;
  version: number | string;
  seq: number | string;
  op: 'upsert' | 'delete';
  body: string;
  author: string;
  reason: string;
  changed_at: number | string;
}

const fromRaw = (r: RawVersionRow): VersionRow => ({
  kind: r.kind,
  id: r.id,
  version: Number(r.version),
  seq: Number(r.seq),
  op: r.op,
  body: r.body,
  author: r.author,
  reason: r.reason,
  changedAt: Number(r.changed_at),
});

/** Persistence of the alignment model and the feedback on it. Values are always bound parameters. */
export class ModelRepo {
  readonly #client: ClickHouseClient;

  constructor(client: ClickHouseClient) {
    this.#client = client;
  }

  /** The newest version of every entity, deletes included (the caller drops them). */
  async latest(): Promise<VersionRow[]> {
    // aliases differ from the column names: ClickHouse would otherwise read `version` inside argMax as the alias
    const rows = await queryRows<{
      kind: EntityKind;
      id: string;
      latest: number;
      first_seq: number;
      last_op: VersionRow['op'];
      last_body: string;
      last_author: string;
      last_reason: string;
      last_changed_at: number;
    }>(
      this.#client,
      `SELECT kind, id, max(version) AS latest, min(seq) AS first_seq, argMax(op, version) AS last_op, argMax(body, version) AS last_body,
              argMax(author, version) AS last_author, argMax(reason, version) AS last_reason,
              toUnixTimestamp64Milli(argMax(changed_at, version)) AS last_changed_at
       FROM model_versions GROUP BY kind, id ORDER BY first_seq`,
    );
    return rows.map((r) =>
      fromRaw({
        kind: r.kind,
        id: r.id,
        version: r.latest,
        seq: r.first_seq,
        op: r.last_op,
        body: r.last_body,
        author: r.last_author,
        reason: r.last_reason,
        changed_at: r.last_changed_at,
      }),
    );
  }

  async history(kind: EntityKind, id: string): Promise<VersionRow[]> {
    const rows = await queryRows<Omit<RawVersionRow, 'changed_at'> & { changed_ms: number | string }>(
      this.#client,
      `SELECT kind, id, version, seq, op, body, author, reason, toUnixTimestamp64Milli(changed_at) AS changed_ms
       FROM model_versions WHERE kind = {kind:String} AND id = {id:String} ORDER BY version`,
      { kind, id },
    );
    return rows.map(({ changed_ms, ...r }) => fromRaw({ ...r, changed_at: changed_ms }));
  }

  /** First-creation time of every entity: reviews are due from when a thing was made. */
  async createdAt(): Promise<Map<string, number>> {
    const rows = await queryRows<{ kind: string; id: string; first_ms: string | number }>(
      this.#client,
      `SELECT kind, id, toUnixTimestamp64Milli(min(changed_at)) AS first_ms FROM model_versions GROUP BY kind, id`,
    );
    return new Map(rows.map((r) => [`${r.kind}:${r.id}`, Number(r.first_ms)]));
  }

  async append(rows: readonly VersionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#client.insert({
      table: 'model_versions',
      format: 'JSONEachRow',
      values: rows.map((r) => ({
        kind: r.kind,
        id: r.id,
        version: r.version,
        seq: r.seq,
        op: r.op,
        body: r.body,
        author: r.author,
        reason: r.reason,
        changed_at: r.changedAt,
      })),
    });
  }

  async maxSeq(): Promise<number> {
    const rows = await queryRows<{ s: string | number }>(this.#client, 'SELECT max(seq) AS s FROM model_versions');
    return Number(rows[0]?.s ?? 0);
  }

  async lastConfigImport(source: string): Promise<string | undefined> {
    const rows = await queryRows<{ sha256: string }>(
      this.#client,
      `SELECT sha256 FROM config_imports WHERE source = {source:String} ORDER BY imported_at DESC LIMIT 1`,
      { source },
    );
    return rows[0]?.sha256;
  }

  async recordConfigImport(source: string, sha256: string, changes: number): Promise<void> {
    await this.#client.insert({
      table: 'config_imports',
      format: 'JSONEachRow',
      values: [{ source, sha256, changes, imported_at: Date.now() }],
    });
  }

  async addCheckin(c: Checkin): Promise<void> {
    await this.#client.insert({
      table: 'checkins',
      format: 'JSONEachRow',
      values: [
        {
          id: c.id,
          subject_kind: c.subject.kind,
          subject_id: c.subject.id,
          confidence: c.confidence,
          narrative: c.narrative,
          value: c.value ?? null,
          author: c.author,
          at: c.at,
        },
      ],
    });
  }

  async checkins(filter: { kind?: string; id?: string; fromMs?: number; toMs?: number; limit: number }): Promise<Checkin[]> {
    const rows = await queryRows<{
      id: string;
      subject_kind: Checkin['subject']['kind'];
      subject_id: string;
      confidence: Checkin['confidence'];
      narrative: string;
      value: number | null;
      author: string;
      at_ms: string | number;
    }>(
      this.#client,
      `SELECT id, subject_kind, subject_id, confidence, narrative, value, author, toUnixTimestamp64Milli(at) AS at_ms FROM checkins
       WHERE ({kind:String} = '' OR subject_kind = {kind:String}) AND ({id:String} = '' OR subject_id = {id:String})
         AND at >= fromUnixTimestamp64Milli({from:Int64}) AND at <= fromUnixTimestamp64Milli({to:Int64})
       ORDER BY at DESC LIMIT {limit:UInt32}`,
      { kind: filter.kind ?? '', id: filter.id ?? '', from: filter.fromMs ?? 0, to: filter.toMs ?? 8_640_000_000_000, limit: filter.limit },
    );
    return rows.map((r) => ({
      id: r.id,
      subject: { kind: r.subject_kind, id: r.subject_id },
      confidence: r.confidence,
      narrative: r.narrative,
      ...(r.value === null ? {} : { value: r.value }),
      author: r.author,
      at: Number(r.at_ms),
    }));
  }

  /** The newest check-in per subject, keyed `${kind}:${id}`. */
  async lastCheckins(): Promise<Map<string, { at: number; value: number | null; confidence: string }>> {
    const rows = await queryRows<{ k: string; at_ms: string | number; value: number | null; confidence: string }>(
      this.#client,
      `SELECT concat(subject_kind, ':', subject_id) AS k, toUnixTimestamp64Milli(max(at)) AS at_ms,
              argMax(value, at) AS value, argMax(confidence, at) AS confidence
       FROM checkins GROUP BY k`,
    );
    return new Map(rows.map((r) => [r.k, { at: Number(r.at_ms), value: r.value, confidence: r.confidence }]));
  }

  async addAnnotation(a: Annotation): Promise<void> {
    await this.#client.insert({
      table: 'annotations',
      format: 'JSONEachRow',
      values: [{ id: a.id, kpi: a.kpi, ts: a.ts, kind: a.kind, text: a.text, author: a.author, created_at: Date.now() }],
    });
  }

  async annotations(kpi: string, fromMs: number, toMs: number, limit: number): Promise<Annotation[]> {
    const rows = await queryRows<{
      id: string;
      kpi: string;
      ts_ms: string | number;
      kind: Annotation['kind'];
      text: string;
      author: string;
    }>(
      this.#client,
      `SELECT id, kpi, toUnixTimestamp64Milli(ts) AS ts_ms, kind, text, author FROM annotations
       WHERE kpi = {kpi:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
       ORDER BY ts LIMIT {limit:UInt32}`,
      { kpi, from: fromMs, to: toMs, limit },
    );
    return rows.map(({ ts_ms, ...r }) => ({ ...r, ts: Number(ts_ms) }));
  }

  async addMilestone(m: Milestone): Promise<void> {
    await this.#client.insert({
      table: 'milestones',
      format: 'JSONEachRow',
      values: [{ kind: m.kind, id: m.id, name: m.name, period: m.period, value: m.value, reached_at: m.reachedAt }],
    });
  }

  async milestones(limit: number): Promise<Milestone[]> {
    const rows = await queryRows<{
      kind: Milestone['kind'];
      id: string;
      name: string;
      period: string;
      value: number;
      reached_ms: string | number;
    }>(
      this.#client,
      `SELECT kind, id, name, period, value, toUnixTimestamp64Milli(reached_at) AS reached_ms FROM milestones ORDER BY reached_at DESC LIMIT {limit:UInt32}`,
      { limit },
    );
    return rows.map((r) => ({ kind: r.kind, id: r.id, name: r.name, period: r.period, value: r.value, reachedAt: Number(r.reached_ms) }));
  }
}
