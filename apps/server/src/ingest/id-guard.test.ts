import { describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { DEDUP_WINDOW_MS } from '../store/event-identity.ts';
import { LOOP_SLICE_EVENTS } from '../store/loop-slices.ts';
import { IdGuard } from './id-guard.ts';

const ev = (id: string, value = 1): MetricEvent => ({ metric: 'm', value, ts: 0, id, dims: {} });

/** A store lookup answering from a set the test controls, counting its calls. */
function fakeStore(initial: string[] = []) {
  const stored = new Set(initial);
  const asked: string[][] = [];
  const lookup = async (events: readonly MetricEvent[]) => {
    asked.push(events.map((e) => e.id));
    return new Set(events.filter((e) => stored.has(e.id)));
  };
  return { stored, asked, lookup };
}

describe('IdGuard', () => {
  it('drops ids already in the store and repeats within the batch; events without id always pass', async () => {
    const store = fakeStore(['a']);
    const guard = new IdGuard(store.lookup, 100);
    const batch = [ev('a'), ev('b'), ev(''), ev('b'), ev('')];
    const admission = await guard.admit(batch);
    expect(admission.fresh).toEqual([1, 2, 4]);
    expect(admission.duplicates.sort()).toEqual([0, 3]);
    admission.settle(true);
  });

  it('answers repeats of stored ids from memory, without asking the store', async () => {
    const store = fakeStore();
    const guard = new IdGuard(store.lookup, 100);
    const first = await guard.admit([ev('x'), ev('y')]);
    first.settle(true);
    const again = await guard.admit([ev('x'), ev('y')]);
    expect(again.fresh).toEqual([]);
    expect(again.duplicates).toHaveLength(2);
    expect(store.asked).toEqual([['x', 'y']]);
  });

  it('forgets nothing about a failed insert: the ids may be written again', async () => {
    const guard = new IdGuard(fakeStore().lookup, 100);
    const failed = await guard.admit([ev('x')]);
    failed.settle(false);
    const retry = await guard.admit([ev('x')]);
    expect(retry.fresh).toEqual([0]);
  });

  it('makes a concurrent batch with the same id wait for the first insert, then drops it', async () => {
    const guard = new IdGuard(fakeStore().lookup, 100);
    const first = await guard.admit([ev('x'), ev('y')]);
    let secondDone = false;
    const second = guard.admit([ev('y'), ev('z')]).then((a) => {
      secondDone = true;
      return a;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(secondDone).toBe(false);
    first.settle(true);
    const admitted = await second;
    expect(admitted.fresh).toEqual([1]);
    expect(admitted.duplicates).toEqual([0]);
  });

  it('does not hold its own ids while it waits for another batch, so batches never wait on each other in a circle', async () => {
    const guard = new IdGuard(fakeStore().lookup, 100);
    const first = await guard.admit([ev('x')]);
    const second = guard.admit([ev('y'), ev('x')]); // waits for the first, without keeping y
    await new Promise((r) => setTimeout(r, 5));
    const third = await guard.admit([ev('y')]); // so y is free for this one
    expect(third.fresh).toEqual([0]);
    first.settle(true);
    await new Promise((r) => setTimeout(r, 5));
    third.settle(true);
    const admitted = await second;
    expect(admitted.fresh).toEqual([]);
    expect(admitted.duplicates.sort()).toEqual([0, 1]);
  });

  it('keeps the recent ids within its capacity, oldest out first', async () => {
    const store = fakeStore();
    const guard = new IdGuard(store.lookup, 4);
    for (const id of ['a', 'b', 'c', 'd', 'e']) (await guard.admit([ev(id)])).settle(true);
    expect(guard.recentSize).toBeLessThanOrEqual(4);
    const asked = store.asked.length;
    expect((await guard.admit([ev('e')])).duplicates).toEqual([0]);
    expect(store.asked).toHaveLength(asked); // still known: answered without the store
    await guard.admit([ev('a')]);
    expect(store.asked.at(-1)).toEqual(['a']); // forgotten, so the store is asked again
  });

  it('releases its claim when the store lookup fails', async () => {
    let down = true;
    const store = fakeStore();
    const guard = new IdGuard(async (events) => (down ? Promise.reject(new Error('store down')) : store.lookup(events)), 10);
    await expect(guard.admit([ev('x')])).rejects.toThrow('store down');
    down = false;
    // not left waiting on a claim nobody will settle
    expect((await guard.admit([ev('x')])).fresh).toEqual([0]);
  });

  it('keys identity by metric and id, with timestamps within the window (the rule the store applies too)', async () => {
    const store = fakeStore();
    const guard = new IdGuard(store.lookup, 100);
    const at = (metric: string, ts: number): MetricEvent => ({ metric, value: 1, ts, id: 'x', dims: {} });
    (await guard.admit([at('m', 0)])).settle(true);
    // same id on another metric: another event (was dropped from memory, stored after a restart)
    expect((await guard.admit([at('other', 0)])).fresh).toEqual([0]);
    // within the window: a retry; beyond it: a new event
    expect((await guard.admit([at('m', DEDUP_WINDOW_MS)])).duplicates).toEqual([0]);
    const far = await guard.admit([at('m', DEDUP_WINDOW_MS + 1)]);
    expect(far.fresh).toEqual([0]);
    // in one batch too: the second copy within the window is a repeat, one beyond it is not
    const batch = await guard.admit([at('n', 0), at('n', 1000), at('n', 2 * DEDUP_WINDOW_MS)]);
    expect(batch.fresh).toEqual([0, 2]);
    expect(batch.duplicates).toEqual([1]);
  });

  it('a failed insert of an event is not remembered as stored when a later copy of its id, beyond the window, was found in the store', async () => {
    const at = (ts: number): MetricEvent => ({ metric: 'm', value: 1, ts, id: 'x', dims: {} });
    const far = 3 * DEDUP_WINDOW_MS;
    // the store holds only the later copy
    const guard = new IdGuard(async (events) => new Set(events.filter((e) => e.ts === far)), 100);
    const first = await guard.admit([at(0), at(far)]);
    expect(first.fresh).toEqual([0]);
    expect(first.duplicates).toEqual([1]);
    first.settle(false); // the insert of the ts-0 copy failed
    expect((await guard.admit([at(0)])).fresh).toEqual([0]); // so its retry is written, not dropped
  });

  it('keeps a batch’s claims through the turnover of its memory: a concurrent batch with the same id still waits', async () => {
    const guard = new IdGuard(fakeStore().lookup, 4);
    const first = await guard.admit([ev('x')]);
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f']) (await guard.admit([ev(id)])).settle(true);
    let secondDone = false;
    const second = guard.admit([ev('x')]).then((a) => {
      secondDone = true;
      return a;
    });
    await new Promise((r) => setTimeout(r, 5));
    expect(secondDone).toBe(false);
    first.settle(true);
    expect((await second).duplicates).toEqual([0]);
  });

  it('lets the event loop run between slices of a large batch’s claim pass', async () => {
    const guard = new IdGuard(fakeStore().lookup, 100_000);
    const batch = Array.from({ length: 2 * LOOP_SLICE_EVENTS + 500 }, (_, i) => ev(`id${i}`));
    let claimedWhenTheLoopRan = -1;
    setImmediate(() => (claimedWhenTheLoopRan = guard.recentSize));
    (await guard.admit(batch)).settle(true);
    expect(claimedWhenTheLoopRan).toBe(LOOP_SLICE_EVENTS);
  });

  it('two large batches with the same ids, admitted at once: one writes them, the other drops them once it is stored', async () => {
    const guard = new IdGuard(fakeStore().lookup, 100_000);
    const batch = () => Array.from({ length: 2 * LOOP_SLICE_EVENTS + 500 }, (_, i) => ev(`id${i}`));
    const a = guard.admit(batch());
    const b = guard.admit(batch());
    const first = await a;
    expect(first.fresh).toHaveLength(2 * LOOP_SLICE_EVENTS + 500);
    first.settle(true);
    const second = await b;
    expect(second.fresh).toEqual([]);
    expect(second.duplicates).toHaveLength(2 * LOOP_SLICE_EVENTS + 500);
  });

  it('two large batches with the same ids in opposite orders, admitted at once: the first admitted claims them all, the second waits for it', async () => {
    // Without the claim lock their sliced passes interleave: each claims the ids at its own
    // front, finds the rest claimed by the other, lets go and starts over, in step, for ever.
    const guard = new IdGuard(fakeStore().lookup, 100_000);
    const n = 2 * LOOP_SLICE_EVENTS + 500;
    const ids = Array.from({ length: n }, (_, i) => ev(`id${i}`));
    const a = guard.admit(ids);
    const b = guard.admit([...ids].reverse());
    const first = await a;
    expect(first.fresh).toHaveLength(n);
    first.settle(true);
    const second = await b;
    expect(second.fresh).toEqual([]);
    expect(second.duplicates).toHaveLength(n);
  });

  it('lets the event loop run between slices of a large batch’s unclaim pass (a failed insert forgets its ids in slices)', async () => {
    const guard = new IdGuard(fakeStore().lookup, 100_000);
    const n = 2 * LOOP_SLICE_EVENTS + 500;
    const admission = await guard.admit(Array.from({ length: n }, (_, i) => ev(`id${i}`)));
    expect(guard.recentSize).toBe(n);
    let heldWhenTheLoopRan = -1;
    setImmediate(() => (heldWhenTheLoopRan = guard.recentSize));
    admission.settle(false);
    for (let turn = 0; turn < 10 && guard.recentSize > 0; turn++) await new Promise((r) => setImmediate(r));
    expect(heldWhenTheLoopRan).toBe(n - LOOP_SLICE_EVENTS);
    expect(guard.recentSize).toBe(0);
  });
});
