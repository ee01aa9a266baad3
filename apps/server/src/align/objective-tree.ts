import type { Objective } from '@northstar/shared';

/** A parent edge that would close a loop; the tree treats it as absent. */
export interface ParentCycle {
  /** The objective whose `parent` edge is dropped. */
  objective: string;
  /** The loop from that objective back to itself: ["a", "b", "a"]. */
  path: string[];
}

export interface ObjectiveTree {
  /** child id → parent id, only for edges that point at a known objective and close no loop. */
  parentOf: Map<string, string>;
  /** parent id → child ids, sorted. */
  childrenOf: Map<string, string[]>;
  cycles: ParentCycle[];
  unknownParents: { objective: string; parent: string }[];
}

/**
 * The objective forest, safe to walk: edges to unknown parents and edges that would close
 * a loop are left out (and reported), so a bad edit can never hang a roll-up. Edges are
 * accepted in id order, so which edge of a loop is dropped does not depend on file order.
 */
export function objectiveTree(objectives: readonly Pick<Objective, 'id' | 'parent'>[]): ObjectiveTree {
  const known = new Set(objectives.map((o) => o.id));
  const parentOf = new Map<string, string>();
  const cycles: ParentCycle[] = [];
  const unknownParents: { objective: string; parent: string }[] = [];
  const sorted = [...objectives].sort((a, b) => compareIds(a.id, b.id));
  for (const o of sorted) {
    if (o.parent === undefined || parentOf.has(o.id)) continue;
    if (!known.has(o.parent)) {
      unknownParents.push({ objective: o.id, parent: o.parent });
      continue;
    }
    // Accepted edges form a forest, so this walk ends at a root or back at o.
    const path = [o.id];
    let at: string | undefined = o.parent;
    while (at !== undefined && at !== o.id) {
      path.push(at);
      at = parentOf.get(at);
    }
    if (at === o.id) cycles.push({ objective: o.id, path: [...path, o.id] });
    else parentOf.set(o.id, o.parent);
  }
  const childrenOf = new Map<string, string[]>();
  for (const [child, parent] of parentOf) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), child]);
  for (const children of childrenOf.values()) children.sort(compareIds);
  return { parentOf, childrenOf, cycles, unknownParents };
}

/** Code-point order: the same on every machine, unlike localeCompare. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
