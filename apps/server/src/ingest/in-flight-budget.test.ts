import { describe, expect, it } from 'vitest';
import { InFlightBudget } from './in-flight-budget.ts';

const always = () => true;
const noBeat = async () => {};

describe('InFlightBudget', () => {
  it('lets batches in up to the bound and the next one in only once room is released', async () => {
    const budget = new InFlightBudget(100);
    expect(await budget.acquire(60, always, noBeat)).toBe(true);
    let third = false;
    const waiting = budget.acquire(50, always, noBeat).then((ok) => (third = ok));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    expect(budget.heldBytes).toBe(60);
    budget.release(60);
    await waiting;
    expect(third).toBe(true);
    expect(budget.heldBytes).toBe(50);
  });

  it('lets a batch bigger than the bound in when it is alone, so it never waits for ever', async () => {
    const budget = new InFlightBudget(10);
    expect(await budget.acquire(1_000, always, noBeat)).toBe(true);
    budget.release(1_000);
    expect(budget.heldBytes).toBe(0);
  });

  it('keeps the membership alive while it waits and gives up once the batch is no longer its own', async () => {
    const budget = new InFlightBudget(10);
    await budget.acquire(10, always, noBeat);
    let beats = 0;
    let live = true;
    const waiting = budget.acquire(
      5,
      () => live,
      async () => void beats++,
      5,
    );
    await new Promise((r) => setTimeout(r, 40));
    expect(beats).toBeGreaterThan(0);
    live = false;
    expect(await waiting).toBe(false);
    expect(budget.heldBytes).toBe(10);
  });
});
