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

/**
 * What one connection subscribed to, kept as asked (so objectives re-resolve when the
 * model changes) and resolved to KPI ids. `key` names the resolved set: connections
 * with equal keys share one frame per tick.
 */
export class Subscription {
  readonly #kpis = new Set<string>();
  readonly #objectives = new Set<string>();
  readonly #boards = new Map<string, readonly string[]>();
  #ids = new Set<string>();
  #key = '';

  get ids(): ReadonlySet<string> {
    return this.#ids;
  }

  get key(): string {
    return this.#key;
  }

  /** The scope as asked, to restore it on a resumed connection. */
  get scope(): LiveScope {
    return {
      kpis: [...this.#kpis],
      objectives: [...this.#objectives],
      boards: [...this.#boards].map(([id, kpis]) => ({ id, kpis: [...kpis] })),
    };
  }

  add(scope: LiveScope): void {
    for (const id of scope.kpis ?? []) this.#kpis.add(id);
    for (const id of scope.objectives ?? []) this.#objectives.add(id);
    for (const b of scope.boards ?? []) this.#boards.set(b.id, b.kpis);
  }

  /** Removes what is named; a KPI also reached through an objective or board stays. */
  remove(scope: LiveScope): void {
    for (const id of scope.kpis ?? []) this.#kpis.delete(id);
    for (const id of scope.objectives ?? []) this.#objectives.delete(id);
    for (const b of scope.boards ?? []) this.#boards.delete(b.id);
  }

  /** Recomputes the KPI set; returns the ids that were not in it before. */
  resolve(kpisUnder: (objectiveId: string) => readonly string[]): string[] {
    const next = new Set(this.#kpis);
    for (const o of this.#objectives) for (const id of kpisUnder(o)) next.add(id);
    for (const kpis of this.#boards.values()) for (const id of kpis) next.add(id);
    const added = [...next].filter((id) => !this.#ids.has(id));
    this.#ids = next;
    this.#key = [...next].sort().join('\n');
    return added;
  }
}
