import { createHash } from 'node:crypto';

/**
 * Which instance evaluates-and-releases an alert rule (issue 17.2). Rules are mapped onto a
 * fixed number of partitions by a stable hash of their id; an instance owns the rules of
 * the partitions a Kafka consumer group assigned it (ownership/kafka-rule-owners.ts), so
 * the group coordinator, not code of ours, decides who owns what and moves it on a crash.
 * Pure: the clock is passed in.
 */

/** Partitions of the `<topic>.alert-owners` topic: fixed, so a rule keeps its partition whatever the instance count. */
export const RULE_OWNER_PARTITIONS = 12;

/** The partition of a rule: the first 4 bytes of SHA-256 of its id, modulo the partition count (stable across processes and versions). */
export function rulePartition(ruleId: string, partitions = RULE_OWNER_PARTITIONS): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`partitions must be a positive integer, got ${partitions}`);
  return createHash('sha256').update(ruleId, 'utf8').digest().readUInt32BE(0) % partitions;
}

/** What the alert engine asks: may this instance release this rule's transitions now, and which rules did it just gain. */
export interface RuleOwnership {
  owns(ruleId: string, nowMs: number): boolean;
  /** Called with the partitions gained (the engine rebuilds their rules' state from the store) and lost. */
  onChange(listener: (change: OwnershipChange) => void): void;
  partitionOf(ruleId: string): number;
}

export interface OwnershipChange {
  gained: readonly number[];
  lost: readonly number[];
}

/** Single-instance and HTTP-only mode: this instance owns every rule, always. */
export const OWN_EVERYTHING: RuleOwnership = {
  owns: () => true,
  onChange: () => undefined,
  partitionOf: (ruleId) => rulePartition(ruleId),
};

/**
 * Ownership that follows a group assignment. An assignment counts only while the member's
 * lease is fresh: the last successful heartbeat within `leaseMs`, shorter than the group's
 * session timeout, so a member cut off from the coordinator stops releasing before the
 * coordinator hands its partitions to another (it does so only after the session timeout).
 * A rebalance starting revokes everything at once: the next owner is assigned only after
 * every member has rejoined, so two members never hold one partition at the same time.
 */
export class AssignedOwnership implements RuleOwnership {
  readonly #partitions: number;
  readonly #leaseMs: number;
  readonly #listeners: Array<(change: OwnershipChange) => void> = [];
  #assigned = new Set<number>();
  #heartbeatAt = Number.NEGATIVE_INFINITY;

  constructor(opts: { leaseMs: number; partitions?: number }) {
    this.#partitions = opts.partitions ?? RULE_OWNER_PARTITIONS;
    this.#leaseMs = opts.leaseMs;
  }

  partitionOf(ruleId: string): number {
    return rulePartition(ruleId, this.#partitions);
  }

  owns(ruleId: string, nowMs: number): boolean {
    return nowMs - this.#heartbeatAt <= this.#leaseMs && this.#assigned.has(this.partitionOf(ruleId));
  }

  /** The partitions held now (for logs and metrics). */
  get assigned(): readonly number[] {
    return [...this.#assigned].sort((a, b) => a - b);
  }

  onChange(listener: (change: OwnershipChange) => void): void {
    this.#listeners.push(listener);
  }

  /** The group handed this member `partitions` (a join completed): the lease starts now. */
  assign(partitions: readonly number[], nowMs: number): void {
    const next = new Set(partitions.filter((p) => Number.isInteger(p) && p >= 0 && p < this.#partitions));
    const gained = [...next].filter((p) => !this.#assigned.has(p));
    const lost = [...this.#assigned].filter((p) => !next.has(p));
    this.#assigned = next;
    this.#heartbeatAt = nowMs;
    this.#tell(gained, lost);
  }

  /**
   * A heartbeat the coordinator accepted: the assignment still holds. After a lapsed lease the
   * partitions count as gained again: transitions seen meanwhile were not released, so the
   * engine rebuilds those rules from the store and derives them again.
   */
  heartbeat(nowMs: number): void {
    const lapsed = nowMs - this.#heartbeatAt > this.#leaseMs;
    this.#heartbeatAt = Math.max(this.#heartbeatAt, nowMs);
    if (lapsed) this.#tell([...this.#assigned], []);
  }

  /** A rebalance began, the member left or crashed: nothing is owned until the next assignment. */
  revokeAll(): void {
    const lost = [...this.#assigned];
    this.#assigned = new Set();
    this.#tell([], lost);
  }

  #tell(gained: number[], lost: number[]): void {
    if (gained.length === 0 && lost.length === 0) return;
    const change = { gained: gained.sort((a, b) => a - b), lost: lost.sort((a, b) => a - b) };
    for (const l of this.#listeners) l(change);
  }
}
