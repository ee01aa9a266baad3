import {
  AlertRuleSchema,
  BoardSchema,
  GoalSchema,
  KpiSchema,
  NorthstarConfigSchema,
  ObjectiveSchema,
  kpiLinks,
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

export interface ChangeMeta {
  author: string;
  reason: string;
}

export type Definition = Objective | KpiDefinition | Goal | AlertRule | Board;

export interface ModelChange {
  kind: EntityKind;
  id: string;
  /** null when deleted. */
  definition: Definition | null;
}

export interface ImportSummary {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

const SCHEMAS: Record<EntityKind, z.ZodType<Definition>> = {
  objective: ObjectiveSchema,
  kpi: KpiSchema as z.ZodType<Definition>,
  goal: GoalSchema,
  rule: AlertRuleSchema as z.ZodType<Definition>,
  board: BoardSchema,
};

/** Why a change carries a reason: the history answers "why is the target 1 500?". */
const MAX_REASON_CHARS = 500;
const MAX_AUTHOR_CHARS = 200;

const key = (kind: EntityKind, id: string) => `${kind}:${id}`;

/**
 * The alignment model in memory, backed by an append-only version log in ClickHouse.
 * Every change is validated (schema and references) before it is written, and
 * listeners hear about it only after the write returned.
 */
export class ModelService {
  readonly #repo: ModelRepo;
  readonly #items: Record<EntityKind, Map<string, Definition>> = {
    objective: new Map(),
    kpi: new Map(),
    goal: new Map(),
    rule: new Map(),
    board: new Map(),
  };
  readonly #versions = new Map<string, number>();
  readonly #listeners: Array<(changes: ModelChange[]) => void> = [];
  #seq = 0;
  /** Writes are serialised so versions and references are checked against what is stored. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(repo: ModelRepo) {
    this.#repo = repo;
  }

  static async load(repo: ModelRepo): Promise<ModelService> {
    const service = new ModelService(repo);
    service.#seq = await repo.maxSeq();
    for (const row of await repo.latest()) {
      service.#versions.set(key(row.kind, row.id), row.version);
      if (row.op === 'upsert') service.#items[row.kind].set(row.id, JSON.parse(row.body) as Definition);
    }
    return service;
  }

  onChange(listener: (changes: ModelChange[]) => void): void {
    this.#listeners.push(listener);
  }

  /** The definitions of one kind in force. */
  list(kind: EntityKind): Definition[] {
    return [...this.#items[kind].values()];
  }

  get objectives(): Objective[] {
    return [...this.#items.objective.values()] as Objective[];
  }
  get kpis(): KpiDefinition[] {
    return [...this.#items.kpi.values()] as KpiDefinition[];
  }
  get goals(): Goal[] {
    return [...this.#items.goal.values()] as Goal[];
  }
  get rules(): AlertRule[] {
    return [...this.#items.rule.values()] as AlertRule[];
  }
  get boards(): Board[] {
    return [...this.#items.board.values()] as Board[];
  }

  get(kind: EntityKind, id: string): Definition | undefined {
    return this.#items[kind].get(id);
  }

  version(kind: EntityKind, id: string): number {
    return this.#versions.get(key(kind, id)) ?? 0;
  }

  history(kind: EntityKind, id: string): Promise<VersionRow[]> {
    return this.#repo.history(kind, id);
  }

  exportDocument(): NorthstarConfig {
    return { objectives: this.objectives, kpis: this.kpis, goals: this.goals, rules: this.rules, boards: this.boards };
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #parse(kind: EntityKind, body: unknown): Definition {
    const parsed = SCHEMAS[kind].safeParse(body);
    if (!parsed.success) throw invalid(`invalid ${kind}`, fieldProblems(parsed.error));
    return parsed.data;
  }

  /** References a definition makes, checked against `view` (the model as it would be). */
  #referenceProblems(kind: EntityKind, def: Definition, view: Record<EntityKind, Map<string, Definition>>): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (kind === 'objective') {
      const o = def as Objective;
      if (o.parent !== undefined) {
        if (o.parent === o.id) problems.push({ field: 'parent', message: 'an objective cannot be its own parent' });
        else if (!view.objective.has(o.parent)) problems.push({ field: 'parent', message: `no objective with id "${o.parent}"` });
        else {
          // walk up from the new parent: reaching this objective again would close a cycle
          const seen = new Set<string>();
          for (
            let at: string | undefined = o.parent;
            at !== undefined && !seen.has(at);
            at = (view.objective.get(at) as Objective | undefined)?.parent
          ) {
            if (at === o.id) {
              problems.push({ field: 'parent', message: `"${o.parent}" is already below "${o.id}": this would make a cycle` });
              break;
            }
            seen.add(at);
          }
        }
      }
    } else if (kind === 'kpi') {
      const k = def as KpiDefinition;
      kpiLinks(k).forEach((link, i) => {
        if (!view.objective.has(link.id)) {
          problems.push({
            field: k.objectives?.length ? `objectives[${i}].id` : 'objective',
            message: `no objective with id "${link.id}"`,
          });
        }
      });
    } else if (kind === 'goal') {
      const g = def as Goal;
      if (!view.kpi.has(g.kpi)) problems.push({ field: 'kpi', message: `no KPI with id "${g.kpi}"` });
    } else if (kind === 'board') {
      (def as Board).kpis.forEach((id, i) => {
        if (!view.kpi.has(id)) problems.push({ field: `kpis[${i}]`, message: `no KPI with id "${id}"` });
      });
    } else {
      const r = def as AlertRule;
      (r.kpis ?? []).forEach((id, i) => {
        if (!view.kpi.has(id)) problems.push({ field: `kpis[${i}]`, message: `no KPI with id "${id}"` });
      });
      if (r.objective !== undefined && !view.objective.has(r.objective))
        problems.push({ field: 'objective', message: `no objective with id "${r.objective}"` });
    }
    return problems;
  }

  /** What still points at an entity; a delete must not leave dangling references. */
  #dependents(kind: EntityKind, id: string, view: Record<EntityKind, Map<string, Definition>>): string[] {
    if (kind === 'objective') {
      const kids = [...view.objective.values()].filter((o) => (o as Objective).parent === id).map((o) => `objective ${o.id}`);
      const kpis = [...view.kpi.values()].filter((k) => kpiLinks(k as KpiDefinition).some((l) => l.id === id)).map((k) => `KPI ${k.id}`);
      const rules = [...view.rule.values()].filter((r) => (r as AlertRule).objective === id).map((r) => `rule ${r.id}`);
      return [...kids, ...kpis, ...rules];
    }
    if (kind === 'kpi') {
      const goals = [...view.goal.values()].filter((g) => (g as Goal).kpi === id).map((g) => `goal ${g.id}`);
      const rules = [...view.rule.values()].filter((r) => (r as AlertRule).kpis?.includes(id)).map((r) => `rule ${r.id}`);
      const boards = [...view.board.values()].filter((b) => (b as Board).kpis.includes(id)).map((b) => `board ${b.id}`);
      return [...goals, ...rules, ...boards];
    }
    return [];
  }

  #meta(meta: ChangeMeta): ChangeMeta {
    return { author: meta.author.slice(0, MAX_AUTHOR_CHARS) || 'anonymous', reason: meta.reason.slice(0, MAX_REASON_CHARS) };
  }

  #row(kind: EntityKind, id: string, op: 'upsert' | 'delete', def: Definition | null, meta: ChangeMeta, now: number): VersionRow {
    return {
      kind,
      id,
      version: this.version(kind, id) + 1,
      seq: ++this.#seq,
      op,
      body: def ? JSON.stringify(def) : '',
      author: meta.author,
      reason: meta.reason,
      changedAt: now,
    };
  }

  async #commit(rows: VersionRow[], defs: Array<Definition | null>): Promise<ModelChange[]> {
    await this.#repo.append(rows);
    const changes: ModelChange[] = rows.map((row, i) => {
      this.#versions.set(key(row.kind, row.id), row.version);
      const def = defs[i] ?? null;
      if (def) this.#items[row.kind].set(row.id, def);
      else this.#items[row.kind].delete(row.id);
      return { kind: row.kind, id: row.id, definition: def };
    });
    for (const l of this.#listeners) l(changes);
    return changes;
  }

  /**
   * Creates or replaces one definition. `expectedVersion` (from If-Match) guards against
   * overwriting someone else's edit; `create` refuses to replace an existing one.
   */
  upsert(kind: EntityKind, body: unknown, meta: ChangeMeta, opts: { expectedVersion?: number; create?: boolean; id?: string } = {}) {
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
      const problems = this.#referenceProblems(kind, def, this.#items);
      if (problems.length > 0) throw invalid(`invalid ${kind}`, problems);
      if (exists && JSON.stringify(this.#items[kind].get(def.id)) === JSON.stringify(def))
        return { definition: def, version: current, changed: false };
      await this.#commit([this.#row(kind, def.id, 'upsert', def, this.#meta(meta), Date.now())], [def]);
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
      const dependents = this.#dependents(kind, id, this.#items);
      if (dependents.length > 0)
        throw new ModelError(409, 'in_use', `${kind} "${id}" is still referenced by ${dependents.join(', ')}; change those first`);
      await this.#commit([this.#row(kind, id, 'delete', null, this.#meta(meta), Date.now())], [null]);
    });
  }

  /**
   * Applies a whole document: every definition is validated, and the references are
   * checked against the model as it will be, before anything is written. `replace`
   * also deletes what the document leaves out; `merge` only adds and changes.
   */
  importDocument(doc: unknown, meta: ChangeMeta, mode: 'replace' | 'merge') {
    return this.#serial(async (): Promise<ImportSummary> => {
      const parsed = NorthstarConfigSchema.safeParse(doc);
      if (!parsed.success) throw invalid('invalid model document', fieldProblems(parsed.error));
      const next: Record<EntityKind, Map<string, Definition>> = {
        objective: new Map(mode === 'merge' ? this.#items.objective : []),
        kpi: new Map(mode === 'merge' ? this.#items.kpi : []),
        goal: new Map(mode === 'merge' ? this.#items.goal : []),
        rule: new Map(mode === 'merge' ? this.#items.rule : []),
        board: new Map(mode === 'merge' ? this.#items.board : []),
      };
      const problems: FieldProblem[] = [];
      const lists: Array<[EntityKind, string, Definition[]]> = [
        ['objective', 'objectives', parsed.data.objectives],
        ['kpi', 'kpis', parsed.data.kpis],
        ['goal', 'goals', parsed.data.goals],
        ['rule', 'rules', parsed.data.rules],
        ['board', 'boards', parsed.data.boards],
      ];
      for (const [kind, field, list] of lists) {
        const seen = new Set<string>();
        list.forEach((def, i) => {
          if (seen.has(def.id)) problems.push({ field: `${field}[${i}].id`, message: `duplicate id "${def.id}"` });
          seen.add(def.id);
          next[kind].set(def.id, def);
        });
      }
      for (const [kind, field, list] of lists) {
        list.forEach((def, i) => {
          for (const p of this.#referenceProblems(kind, def, next))
            problems.push({ field: `${field}[${i}].${p.field}`, message: p.message });
        });
      }
      if (problems.length > 0) throw invalid('invalid model document', problems);

      const m = this.#meta(meta);
      const now = Date.now();
      const rows: VersionRow[] = [];
      const defs: Array<Definition | null> = [];
      const summary: ImportSummary = { created: 0, updated: 0, deleted: 0, unchanged: 0 };
      for (const [kind, , list] of lists) {
        for (const def of list) {
          const old = this.#items[kind].get(def.id);
          if (old && JSON.stringify(old) === JSON.stringify(def)) {
            summary.unchanged++;
            continue;
          }
          if (old) summary.updated++;
          else summary.created++;
          rows.push(this.#row(kind, def.id, 'upsert', def, m, now));
          defs.push(def);
        }
      }
      if (mode === 'replace') {
        // goals before KPIs before objectives, so no step leaves a dangling reference
        for (const kind of ['board', 'rule', 'goal', 'kpi', 'objective'] as const) {
          for (const id of this.#items[kind].keys()) {
            if (next[kind].has(id)) continue;
            summary.deleted++;
            rows.push(this.#row(kind, id, 'delete', null, m, now));
            defs.push(null);
          }
        }
      }
      await this.#commit(rows, defs);
      return summary;
    });
  }
}
