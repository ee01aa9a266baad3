import type { Logger } from 'pino';
import { OWN_EVERYTHING, type OwnershipChange, type RuleOwnership } from '../alerts/ownership.ts';

/**
 * Taking a rule over, the new owner waits this long before reading the rule's alerts from
 * the store, so a transition the previous owner wrote as it let go is read back, not derived
 * (and told) a second time.
 */
export const ADOPT_SETTLE_MS = 2_000;
/**
 * A firing restored from the store goes back to the dispatcher this long after the take-over
 * (its key already sent is then skipped by the sent record): a send the previous owner had in
 * flight as it let go has been recorded by then. A firing it never sent (it crashed first) is
 * sent by the new owner, late but not lost.
 */
export const HANDOVER_GRACE_MS = 10_000;

export interface RuleHandoverDeps {
  ownership?: RuleOwnership;
  /** The ids of every rule in the model now. */
  ruleIds: () => readonly string[];
  /** Rebuilds these rules' alerts from the store (rejects on a store failure: tried again). */
  adopt: (rules: ReadonlySet<string>) => Promise<void>;
  /** Forget anything queued for these rules: another instance releases them now. */
  letGo: (rules: ReadonlySet<string>) => void;
  log: Logger;
}

/**
 * The alert engine's side of rule ownership (issue 17.2): which rules it releases now, the
 * take-over of rules it gains (rebuilt from the store after ADOPT_SETTLE_MS, released only
 * then) and the firings it tells again HANDOVER_GRACE_MS after a take-over.
 */
export class RuleHandover {
  readonly #deps: RuleHandoverDeps;
  readonly #ownership: RuleOwnership;
  /** Rules being taken over: evaluated for the walls, released only once rebuilt from the store. */
  readonly #adopting = new Set<string>();
  /** Alert key → when to tell its restored firing again. */
  readonly #retell = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: RuleHandoverDeps) {
    this.#deps = deps;
    this.#ownership = deps.ownership ?? OWN_EVERYTHING;
    this.#ownership.onChange((change) => this.#onChange(change));
  }

  /** This instance releases the rule's transitions now: it owns the rule and is not still taking it over. */
  releases(ruleId: string, nowMs: number): boolean {
    return !this.#adopting.has(ruleId) && this.#ownership.owns(ruleId, nowMs);
  }

  /** Owns the rule (taking it over or not): a restored alert of it goes to this instance's dispatcher. */
  owns(ruleId: string, nowMs: number): boolean {
    return this.#ownership.owns(ruleId, nowMs);
  }

  retellAt(key: string, atMs: number): void {
    this.#retell.set(key, atMs);
  }

  forget(key: string): void {
    this.#retell.delete(key);
  }

  /** Keys whose firing is due to be told again now, with their rule released here (`ruleOf` maps a key to its rule). */
  dueRetells(nowMs: number, ruleOf: (key: string) => string | undefined): string[] {
    const due: string[] = [];
    for (const [key, at] of this.#retell) {
      const rule = ruleOf(key);
      if (at > nowMs || (rule !== undefined && this.#adopting.has(rule))) continue;
      this.#retell.delete(key);
      if (rule !== undefined && this.releases(rule, nowMs)) due.push(key);
    }
    return due;
  }

  #onChange({ gained, lost }: OwnershipChange): void {
    const partitionOf = (id: string) => this.#ownership.partitionOf(id);
    const lostRules = new Set(this.#deps.ruleIds().filter((id) => lost.includes(partitionOf(id))));
    if (lostRules.size > 0) this.#deps.letGo(lostRules);
    const rules = new Set(this.#deps.ruleIds().filter((id) => gained.includes(partitionOf(id))));
    if (rules.size === 0) return;
    for (const id of rules) this.#adopting.add(id);
    this.#later(ADOPT_SETTLE_MS, () => this.#adopt(rules));
  }

  #adopt(rules: ReadonlySet<string>): void {
    this.#deps
      .adopt(rules)
      .then(() => {
        for (const id of rules) this.#adopting.delete(id);
      })
      .catch((err: unknown) => {
        this.#deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not take alert rules over; retrying');
        this.#later(ADOPT_SETTLE_MS, () => this.#adopt(rules));
      });
  }

  #later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
