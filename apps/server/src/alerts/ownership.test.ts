import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AssignedOwnership, OWN_EVERYTHING, RULE_OWNER_PARTITIONS, rulePartition, type OwnershipChange } from './ownership.ts';

describe('rulePartition', () => {
  it('is the first four bytes of SHA-256 of the id, modulo the partitions: the same in every process', () => {
    for (const id of ['too-many-errors', 'revenue-pacing', 'ünïcode-rule', '']) {
      const expected = createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) % 12;
      expect(rulePartition(id, 12)).toBe(expected);
    }
    // pinned: a changed hash would move every rule to another owner on upgrade
    expect(rulePartition('a', 12)).toBe(0xca978112 % 12);
  });

  it('spreads rules over every partition', () => {
    const counts = new Array<number>(RULE_OWNER_PARTITIONS).fill(0);
    for (let i = 0; i < 1200; i++) counts[rulePartition(`rule-${i}`)]! += 1;
    expect(counts.every((c) => c >= 60 && c <= 140)).toBe(true);
  });

  it('refuses a partition count that is not a positive integer', () => {
    expect(() => rulePartition('x', 0)).toThrow('partitions must be a positive integer, got 0');
    expect(() => rulePartition('x', 2.5)).toThrow('got 2.5');
  });
});

describe('AssignedOwnership', () => {
  const rules = Array.from({ length: 200 }, (_, i) => `rule-${i}`);

  it('gives each rule to exactly one of the members a group assignment splits the partitions over', () => {
    const members = [0, 1, 2].map(() => new AssignedOwnership({ leaseMs: 4_000 }));
    // a range assignment of 12 partitions over 3 members, as the coordinator hands it out
    members.forEach((m, i) => m.assign([4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3], 1_000));
    for (const rule of rules) expect(members.filter((m) => m.owns(rule, 2_000))).toHaveLength(1);
  });

  it('owns nothing before the first assignment, and nothing once a rebalance starts', () => {
    const own = new AssignedOwnership({ leaseMs: 4_000 });
    const changes: OwnershipChange[] = [];
    own.onChange((c) => changes.push(c));
    expect(rules.some((r) => own.owns(r, 0))).toBe(false);
    own.assign([0, 5, 11], 1_000);
    expect(rules.filter((r) => own.owns(r, 1_500))).toEqual(rules.filter((r) => [0, 5, 11].includes(rulePartition(r))));
    own.revokeAll();
    expect(rules.some((r) => own.owns(r, 1_600))).toBe(false);
    own.assign([5, 6], 2_000);
    expect(changes).toEqual([
      { gained: [0, 5, 11], lost: [] },
      { gained: [], lost: [0, 5, 11] },
      { gained: [5, 6], lost: [] },
    ]);
    own.assign([6, 7], 2_100);
    expect(changes.at(-1)).toEqual({ gained: [7], lost: [5] });
  });

  it('stops owning when the lease runs out without a heartbeat, and takes the rules over again on the next one', () => {
    const own = new AssignedOwnership({ leaseMs: 4_000 });
    const changes: OwnershipChange[] = [];
    own.onChange((c) => changes.push(c));
    const rule = rules.find((r) => rulePartition(r) === 3)!;
    own.assign([3], 10_000);
    expect(own.owns(rule, 14_000)).toBe(true);
    own.heartbeat(13_000);
    expect(own.owns(rule, 17_000)).toBe(true);
    expect(own.owns(rule, 17_001)).toBe(false);
    // a heartbeat within the lease changes nothing; one after it lapsed re-adopts the partitions
    expect(changes).toHaveLength(1);
    own.heartbeat(20_000);
    expect(own.owns(rule, 20_000)).toBe(true);
    expect(changes.at(-1)).toEqual({ gained: [3], lost: [] });
  });

  it('ignores partitions outside the topic', () => {
    const own = new AssignedOwnership({ leaseMs: 4_000, partitions: 4 });
    own.assign([1, 4, -1, 9], 0);
    expect(own.assigned).toEqual([1]);
  });

  it('alone, owns every rule', () => {
    expect(rules.every((r) => OWN_EVERYTHING.owns(r, 0))).toBe(true);
  });
});
