import { describe, expect, it } from 'vitest';
import { writeIsolating } from './isolate-rows.ts';

/** A store double that refuses any part holding a poisoned row, as ClickHouse does with a bad value. */
function storeRefusing(bad: Set<number>, code = 27) {
  const stored: number[] = [];
  const tokens: string[] = [];
  const write = async (part: readonly number[], token: string) => {
    tokens.push(token);
    if (part.some((r) => bad.has(r)))
      throw new Error(`Code: ${code}. DB::Exception: Cannot parse input: row ${part.find((r) => bad.has(r))}`);
    stored.push(...part);
  };
  return { write, stored, tokens };
}

describe('writeIsolating', () => {
  it('splits a batch the store can never take down to the failing rows and stores the rest', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const s = storeRefusing(new Set([3, 57, 58]));
    const refused = await writeIsolating(rows, 'kafka/t/0/0-99', s.write);
    expect(refused.map((r) => r.row)).toEqual([3, 57, 58]);
    expect(refused[0]!.reason).toMatch(/^the store refused this event: Code: 27\. .*Cannot parse input/);
    expect(s.stored.sort((a, b) => a - b)).toEqual(rows.filter((r) => ![3, 57, 58].includes(r)));
    // parts are named from the batch's token, so a retried batch's parts dedup in the store
    expect(new Set(s.tokens).size).toBe(s.tokens.length);
    expect(s.tokens.every((t) => t.startsWith('kafka/t/0/0-99'))).toBe(true);
  });

  it('throws a retryable error as is, without splitting', async () => {
    const s = storeRefusing(new Set([1]), 243); // NOT_ENOUGH_SPACE: the store's state
    await expect(writeIsolating([0, 1, 2], 'tok', s.write)).rejects.toThrow(/Code: 243/);
    expect(s.tokens).toEqual(['tok']);
  });

  it('treats an error without a store code (a lost connection) as retryable', async () => {
    const write = async () => {
      throw new Error('socket hang up');
    };
    await expect(writeIsolating([1], 'tok', write)).rejects.toThrow(/socket hang up/);
  });

  it('splits the same way on a retry, so the part tokens repeat', async () => {
    const a = storeRefusing(new Set([5]));
    const b = storeRefusing(new Set([5]));
    await writeIsolating([0, 1, 2, 3, 4, 5, 6], 't', a.write);
    await writeIsolating([0, 1, 2, 3, 4, 5, 6], 't', b.write);
    expect(b.tokens).toEqual(a.tokens);
  });
});
