import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WallLoop } from './wall-loop.ts';

const T = 1_000_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T);
});
afterEach(() => vi.useRealTimers());

describe('WallLoop', () => {
  it('ticks at once and every interval, and refreshes after writes at most once per minimum interval', async () => {
    const calls: string[] = [];
    let write = () => {};
    const loop = new WallLoop({
      wall: { tick: (t) => void calls.push(`tick@${t}`), refresh: (t) => void calls.push(`refresh@${t}`) },
      intervalMs: 1_000,
      onWrite: { subscribe: (l) => (write = l), minIntervalMs: 50 },
    });
    write(); // before start: nothing
    loop.start();
    write();
    write();
    await vi.advanceTimersByTimeAsync(0);
    write();
    await vi.advanceTimersByTimeAsync(49);
    write();
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(950);
    expect(calls).toEqual([`tick@${T}`, `refresh@${T}`, `refresh@${T + 50}`, `tick@${T + 1000}`]);
    loop.stop();
    write();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toHaveLength(4);
  });
});
