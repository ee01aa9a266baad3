import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { every } from './every.ts';

describe('every', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs the task each interval until stopped, and hands a failure to onError instead of throwing', async () => {
    const errors: string[] = [];
    let runs = 0;
    const timer = every(
      100,
      async () => {
        runs += 1;
        if (runs === 2) throw new Error('second run failed');
      },
      (err) => errors.push(err.message),
    );
    await vi.advanceTimersByTimeAsync(350);
    expect(runs).toBe(3);
    expect(errors).toEqual(['second run failed']);
    timer.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(runs).toBe(3);
  });
});
