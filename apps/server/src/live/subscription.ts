import { kpiLinks, type KpiDefinition, type LiveScope, type Objective } from '@northstar/shared';

/** KPI ids linked to an objective or to any objective below it in the tree. */
export function kpisUnderObjective(
  model: {
    objectives: readonly Pick<Objective, 'id' | 'parent'>[];
    kpis: readonly Pick<KpiDefinition, 'id' | 'objective' | 'objectives'>[];
  },
  objectiveId: string,
): string[] {
  const below = new Set([objectiveId]);
  // parents may be listed after their children: repeat until nothing is added (the tree is shallow)
  for (let grew = true; grew;) {
    grew = false;
    for (const o of model.objectives) {
      if (o.parent !== undefined && below.has(o.parent) && !below.has(o.id)) {
        below.add(o.id);
        grew = true;
      }
    }
  }
  return model.kpis.filter((k) => kpiLinks(k).some((l) => below.has(l.id))).map((k) => k.id);
}

/** The frame key of a scope holding every KPI (no key of a KPI list starts with a NUL). */
export const EVERYTHING = '\u0000all';

/**
 * What one connection subscribed to, kept as asked (so objectives re-resolve when the
 * model changes) and resolved to KPI ids. `key` names the resolved set: connections
 * with equal keys share one frame per tick.
 */
export class Subscription {
  #all = false;
  readonly #kpis = new Set<string>();
  readonly #objectives = new Set<string>();
  readonly #boards = new Map<string, readonly string[]>();
  #ids: Set<string> | null = new Set<string>();
  #key = '';

  /** The KPIs in scope; null: every KPI. */
  get ids(): ReadonlySet<string> | null {
    return this.#ids;
  }

  get key(): string {
    return this.#key;
  }

  includes(id: string): boolean {
    return this.#ids === null || this.#ids.has(id);
  }

  /** The scope as asked, to restore it on a resumed connection. */
  get scope(): LiveScope {
    const scope: LiveScope = {
      kpis: [...this.#kpis],
      objectives: [...this.#objectives],
      boards: [...this.#boards].map(([id, kpis]) => ({ id, kpis: [...kpis] })),
    };
    if (this.#all) scope.all = true;
    return scope;
  }

  add(scope: LiveScope): void {
    if (scope.all) this.#all = true;
    for (const id of scope.kpis ?? []) this.#kpis.add(id);
    for (const id of scope.objectives ?? []) this.#objectives.add(id);
    for (const b of scope.boards ?? []) this.#boards.set(b.id, b.kpis);
  }

  /** Removes what is named; a KPI also reached through an objective or board stays. */
  remove(scope: LiveScope): void {
    if (scope.all) this.#all = false;
    for (const id of scope.kpis ?? []) this.#kpis.delete(id);
    for (const id of scope.objectives ?? []) this.#objectives.delete(id);
    for (const b of scope.boards ?? []) this.#boards.delete(b.id);
  }

  /** Recomputes the KPI set from what was asked. */
  resolve(kpisUnder: (objectiveId: string) => readonly string[]): void {
    if (this.#all) {
      this.#ids = null;
      this.#key = EVERYTHING;
      return;
    }
    const next = new Set(this.#kpis);
    for (const o of this.#objectives) for (const id of kpisUnder(o)) next.add(id);
    for (const kpis of this.#boards.values()) for (const id of kpis) next.add(id);
    this.#ids = next;
    this.#key = [...next].sort().join('\n');
  }
}
