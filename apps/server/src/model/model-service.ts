import {
  AlertRuleSchema,
  AppChannelSchema,
  AppRouteSchema,
  BoardSchema,
  GoalSchema,
  KpiSchema,
  NorthstarConfigSchema,
  ObjectiveSchema,
  type AlertRule,
  type Board,
  type FieldProblem,
  type Goal,
  type KpiDefinition,
  type NorthstarConfig,
  type Objective,
} from '@northstar/shared';
import type { z } from 'zod';
import type { EntityKind, ModelRepo, VersionRow } from '../store/model-repo.ts';
import { ModelError, fieldProblems, invalid } from './model-errors.ts';
import { publicChannel, sealChannel } from './channel-secrets.ts';
import {
  CHANGE_OF,
  ModelSettingSchema,
  applyChange,
  emptyMaps,
  stage,
  type DefinitionOf,
  type ModelChange,
  type ModelMaps,
} from './model-kinds.ts';
import { REFERENCE_CHECKS, dependentsOf, referenceProblems, type ExternalIds } from './references.ts';
import type { SecretBox } from './secret-box.ts';

export type { Definition, DefinitionByKind, DefinitionOf, ModelChange } from './model-kinds.ts';

export interface ChangeMeta {
  author: string;
  reason: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

/** Every kind but channels, whose input (clear secrets) differs from what is stored (sealed ones). */
const SCHEMAS: { [K in Exclude<EntityKind, 'channel'>]: z.ZodType<DefinitionOf<K>> } = {
  objective: ObjectiveSchema,
  kpi: KpiSchema,
  goal: GoalSchema,
  rule: AlertRuleSchema,
  board: BoardSchema,
  route: AppRouteSchema,
  setting: ModelSettingSchema,
};

/** The kinds only admins change: where alerts go, and with which secrets. */
const NOTIFICATION_KINDS: ReadonlyArray<'channel' | 'route'> = ['channel', 'route'];

export interface ModelOptions {
  /** Seals channels' secrets; without it, channels cannot be written. */
  box?: SecretBox;
  /** Ids the model may refer to but does not hold (the config file's channels). */
  external?: ExternalIds;
}

/** Why a change carries a reason: the history answers "why is the target 1 500?". */
const MAX_REASON_CHARS = 500;
const MAX_AUTHOR_CHARS = 200;

const key = (kind: EntityKind, id: string) => `${kind}:${id}`;

/**
 * The alignment model in memory, backed by an append-only version log in ClickHouse.
 * Every change is validated (schema and references) before it is written, and
 * listeners hear about it only after the write returned.
 */
/** What the service needs of the store: its versions (a unit test passes them in memory). */
export type ModelVersions = Pick<ModelRepo, 'maxSeq' | 'latest' | 'history' | 'append'>;

export class ModelService {
  readonly #repo: ModelVersions;
  readonly #items: ModelMaps = emptyMaps();
  readonly #versions = new Map<string, number>();
  readonly #listeners: Array<(changes: ModelChange[]) => void> = [];
  #seq = 0;
  /** Writes are serialised so versions and references are checked against what is stored. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #box: SecretBox | undefined;
  readonly #external: ExternalIds;

  private constructor(repo: ModelVersions, options: ModelOptions) {
    this.#repo = repo;
    this.#box = options.box;
    this.#external = options.external ?? { channels: new Set() };
  }

  static async load(repo: ModelVersions, options: ModelOptions = {}): Promise<ModelService> {
    const service = new ModelService(repo, options);
    service.#seq = await repo.maxSeq();
    for (const row of await repo.latest()) {
      service.#versions.set(key(row.kind, row.id), row.version);
      // the body was validated by the schema of its kind before it was written
      if (row.op === 'upsert') applyChange(service.#items, { kind: row.kind, id: row.id, definition: JSON.parse(row.body) });
    }
    return service;
  }

  onChange(listener: (changes: ModelChange[]) => void): void {
    this.#listeners.push(listener);
  }

  /** The definitions of one kind in force. */
  list<K extends EntityKind>(kind: K): Array<DefinitionOf<K>> {
    return [...this.#items[kind].values()];
  }

  get objectives(): Objective[] {
    return this.list('objective');
  }
  get kpis(): KpiDefinition[] {
    return this.list('kpi');
  }
  get goals(): Goal[] {
    return this.list('goal');
  }
  get rules(): AlertRule[] {
    return this.list('rule');
  }
  get boards(): Board[] {
    return this.list('board');
  }

  get<K extends EntityKind>(kind: K, id: string): DefinitionOf<K> | undefined {
    return this.#items[kind].get(id);
  }

  version(kind: EntityKind, id: string): number {
    return this.#versions.get(key(kind, id)) ?? 0;
  }

  history(kind: EntityKind, id: string): Promise<VersionRow[]> {
    return this.#repo.history(kind, id);
  }

  /** The model as YAML shows it: channels without their secrets (only which are set), settings left out. */
  exportDocument(): NorthstarConfig {
    return {
      objectives: this.objectives,
      kpis: this.kpis,
      goals: this.goals,
      rules: this.rules,
      boards: this.boards,
      channels: this.list('channel').map(publicChannel),
      routes: this.list('route'),
    };
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    // the caller gets the failure through `next`; the queue only keeps writes in order, so one failed write does not stop the next
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #parse<K extends EntityKind>(kind: K, body: unknown): DefinitionOf<K> {
    if (kind === 'channel') return this.#sealed(body, (p) => p) as DefinitionOf<K>;
    const parsed = SCHEMAS[kind as Exclude<EntityKind, 'channel'>].safeParse(body);
    if (!parsed.success) throw invalid(`invalid ${kind}`, fieldProblems(parsed.error));
    return parsed.data as DefinitionOf<K>;
  }

  /** An app channel with its secrets sealed (those left out kept from the stored one); `at` names fields in errors. */
  #sealed(body: unknown, at: (field: string) => string, what = 'invalid channel'): DefinitionOf<'channel'> {
    const parsed = AppChannelSchema.safeParse(body);
    if (!parsed.success)
      throw invalid(
        what,
        fieldProblems(parsed.error).map((p) => ({ ...p, field: at(p.field) })),
      );
    if (!this.#box) throw new ModelError(400, 'no_secret_key', 'channels cannot be stored: this server has no secret key');
    const sealed = sealChannel(parsed.data, this.#items.channel.get(parsed.data.id), this.#box);
    if (!sealed.ok)
      throw invalid(
        what,
        sealed.problems.map((p) => ({ ...p, field: at(p.field) })),
      );
    return sealed.channel;
  }

  #meta(meta: ChangeMeta): ChangeMeta {
    return { author: meta.author.slice(0, MAX_AUTHOR_CHARS) || 'anonymous', reason: meta.reason.slice(0, MAX_REASON_CHARS) };
  }

  #row(change: ModelChange, meta: ChangeMeta, now: number): VersionRow {
    const { kind, id, definition: def } = change;
    return {
      kind,
      id,
      version: this.version(kind, id) + 1,
      seq: ++this.#seq,
      op: def ? 'upsert' : 'delete',
      body: def ? JSON.stringify(def) : '',
      author: meta.author,
      reason: meta.reason,
      changedAt: now,
    };
  }

  async #commit(rows: VersionRow[], changes: ModelChange[]): Promise<ModelChange[]> {
    await this.#repo.append(rows);
    for (const row of rows) this.#versions.set(key(row.kind, row.id), row.version);
    for (const change of changes) applyChange(this.#items, change);
    for (const l of this.#listeners) l(changes);
    return changes;
  }

  /**
   * Creates or replaces one definition. `expectedVersion` (from If-Match) guards against
   * overwriting someone else's edit; `create` refuses to replace an existing one.
   */
  upsert<K extends EntityKind>(
    kind: K,
    body: unknown,
    meta: ChangeMeta,
    opts: { expectedVersion?: number; create?: boolean; id?: string } = {},
  ) {
    return this.#serial(async () => {
      const def = this.#parse(kind, body);
      if (opts.id !== undefined && def.id !== opts.id)
        throw invalid(`invalid ${kind}`, [{ field: 'id', message: `must match the URL ("${opts.id}")` }]);
      const exists = this.#items[kind].has(def.id);
      if (opts.create && exists) throw new ModelError(409, 'exists', `${kind} "${def.id}" already exists; PUT to change it`);
      const current = this.version(kind, def.id);
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== current) {
        throw new ModelError(
          409,
          'version_conflict',
          `${kind} "${def.id}" is at version ${current}, not ${opts.expectedVersion}; reload and edit again`,
        );
      }
      const problems = REFERENCE_CHECKS[kind](def, this.#items, this.#external);
      if (problems.length > 0) throw invalid(`invalid ${kind}`, problems);
      if (exists && JSON.stringify(this.#items[kind].get(def.id)) === JSON.stringify(def))
        return { definition: def, version: current, changed: false };
      const change = CHANGE_OF[kind](def.id, def);
      await this.#commit([this.#row(change, this.#meta(meta), Date.now())], [change]);
      return { definition: def, version: this.version(kind, def.id), changed: true };
    });
  }

  /** Ends a definition; its history stays. */
  remove(kind: EntityKind, id: string, meta: ChangeMeta, expectedVersion?: number) {
    return this.#serial(async () => {
      if (!this.#items[kind].has(id)) throw new ModelError(404, 'not_found', `no ${kind} with id "${id}"`);
      const current = this.version(kind, id);
      if (expectedVersion !== undefined && expectedVersion !== current) {
        throw new ModelError(409, 'version_conflict', `${kind} "${id}" is at version ${current}, not ${expectedVersion}`);
      }
      const dependents = dependentsOf(kind, id, this.#items);
      if (dependents.length > 0)
        throw new ModelError(409, 'in_use', `${kind} "${id}" is still referenced by ${dependents.join(', ')}; change those first`);
      const change: ModelChange = { kind, id, definition: null };
      await this.#commit([this.#row(change, this.#meta(meta), Date.now())], [change]);
    });
  }

  /**
   * Applies a whole document: every definition is validated, and the references are
   * checked against the model as it will be, before anything is written. `replace`
   * also deletes what the document leaves out; `merge` only adds and changes.
   */
  importDocument(doc: unknown, meta: ChangeMeta, mode: 'replace' | 'merge', opts: { notifications?: boolean } = {}) {
    return this.#serial(async (): Promise<ImportSummary> => {
      const parsed = NorthstarConfigSchema.safeParse(doc);
      if (!parsed.success) throw invalid('invalid model document', fieldProblems(parsed.error));
      const next = emptyMaps(mode === 'merge' ? this.#items : undefined);
      // without the right to change notifications (admins), a document keeps the channels and routes as they are
      const notifications = opts.notifications ?? true;
      if (!notifications) {
        next.channel = new Map(this.#items.channel);
        next.route = new Map(this.#items.route);
      }
      const problems: FieldProblem[] = [];
      const staged = [
        ...stage('objective', 'objectives', parsed.data.objectives),
        ...stage('kpi', 'kpis', parsed.data.kpis),
        ...stage('goal', 'goals', parsed.data.goals),
        ...stage('rule', 'rules', parsed.data.rules),
        ...stage('board', 'boards', parsed.data.boards),
        ...stage(
          'channel',
          'channels',
          parsed.data.channels.map((ch, i) => this.#sealed(ch, (f) => `channels[${i}].${f}`, 'invalid model document')),
        ),
        ...stage('route', 'routes', parsed.data.routes),
      ];
      const seen = new Set<string>();
      for (const { field, change } of staged) {
        if (seen.has(key(change.kind, change.id))) problems.push({ field: `${field}.id`, message: `duplicate id "${change.id}"` });
        seen.add(key(change.kind, change.id));
        applyChange(next, change);
      }
      for (const { field, change } of staged) {
        for (const p of referenceProblems(change, next, this.#external))
          problems.push({ field: `${field}.${p.field}`, message: p.message });
      }
      if (problems.length > 0) throw invalid('invalid model document', problems);
      if (!notifications) {
        const changed = staged.filter(
          ({ change }) =>
            NOTIFICATION_KINDS.includes(change.kind as 'channel') &&
            JSON.stringify(this.#items[change.kind].get(change.id)) !== JSON.stringify(change.definition),
        );
        if (changed.length > 0)
          throw new ModelError(
            403,
            'forbidden',
            `changing notification channels and routes needs the admin role (${changed.map((c) => `${c.field}: ${c.change.kind} "${c.change.id}"`).join(', ')})`,
          );
      }

      const m = this.#meta(meta);
      const now = Date.now();
      const rows: VersionRow[] = [];
      const changes: ModelChange[] = [];
      const summary: ImportSummary = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
      for (const { change } of staged) {
        const old = this.#items[change.kind].get(change.id);
        if (old && JSON.stringify(old) === JSON.stringify(change.definition)) {
          summary.unchanged++;
          continue;
        }
        if (old) summary.updated++;
        else summary.created++;
        rows.push(this.#row(change, m, now));
        changes.push(change);
      }
      if (mode === 'replace') {
        // routes before channels, goals before KPIs before objectives, so no step leaves a dangling reference (settings are not in a document)
        for (const kind of ['route', 'channel', 'board', 'rule', 'goal', 'kpi', 'objective'] as const) {
          if (!notifications && NOTIFICATION_KINDS.includes(kind as 'channel')) continue;
          for (const id of this.#items[kind].keys()) {
            if (next[kind].has(id)) continue;
            summary.deleted++;
            const change: ModelChange = { kind, id, definition: null };
            rows.push(this.#row(change, m, now));
            changes.push(change);
          }
        }
      }
      await this.#commit(rows, changes);
      return summary;
    });
  }
}
