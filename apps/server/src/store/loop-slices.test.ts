import { describe, expect, it } from 'vitest';
import { inLoopSlices, LOOP_SLICE_EVENTS } from './loop-slices.ts';

describe('inLoopSlices', () => {
  it('visits every index once, in order, in slices no longer than LOOP_SLICE_EVENTS', async () => {
    const slices: Array<[number, number]> = [];
    await inLoopSlices(2 * LOOP_SLICE_EVENTS + 5, (from, to) => slices.push([from, to]));
    expect(slices).toEqual([
      [0, LOOP_SLICE_EVENTS],
      [LOOP_SLICE_EVENTS, 2 * LOOP_SLICE_EVENTS],
      [2 * LOOP_SLICE_EVENTS, 2 * LOOP_SLICE_EVENTS + 5],
    ]);
  });

  it('lets the event loop run between slices: a timer due meanwhile fires before the pass ends', async () => {
    const order: string[] = [];
    setTimeout(() => order.push('timer'), 0);
    await new Promise((r) => setTimeout(r, 5)); // the timer above has fired: start clean
    order.length = 0;
    let fired = false;
    setImmediate(() => {
      fired = true;
      order.push('other task');
    });
    await inLoopSlices(3 * LOOP_SLICE_EVENTS, (from) => order.push(`slice ${from}`));
    expect(fired).toBe(true);
    expect(order.indexOf('other task')).toBeLessThan(order.indexOf(`slice ${2 * LOOP_SLICE_EVENTS}`));
    expect(order.indexOf('other task')).toBeGreaterThan(order.indexOf('slice 0'));
  });

  it('does nothing for no events', async () => {
    let called = false;
    await inLoopSlices(0, () => (called = true));
    expect(called).toBe(false);
  });
});
