import { describe, expect, it } from 'vitest';
import { seededRng } from '../demo/generator.ts';
import { SlidingAggregate, type MergeOps } from './sliding-aggregate.ts';

/** A merge that cannot be undone and does not depend on order: count, min, max and a set of values. */
interface Part {
  count: number;
  min: number;
  max: number;
  values: Set<number>;
}

let mergesDone = 0;
const OPS: MergeOps<Part> = {
  empty: () => ({ count: 0, min: Infinity, max: -Infinity, values: new Set() }),
  mergeInto(into, from) {
    mergesDone += 1;
    into.count += from.count;
    into.min = Math.min(into.min, from.min);
    into.max = Math.max(into.max, from.max);
    for (const v of from.values) into.values.add(v);
  },
  isEmpty: (p) => p.count === 0,
};

function view(p: Part): { count: number; min: number; max: number; values: number[] } {
  return { count: p.count, min: p.min, max: p.max, values: [...p.values].sort((a, b) => a - b) };
}

describe('SlidingAggregate', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [4, 3],
    [5, 10],
  ])('equals a fresh merge of the range under random writes, slides and reads (seed %i, a suffix every %i)', (seed, stride) => {
    const rand = seededRng(seed);
    const width = 1 + Math.floor(rand() * 24);
    const slots = new Map<number, Part>();
    const agg = new SlidingAggregate(OPS, (i) => slots.get(i), stride);
    let hi = 100;
    const write = (index: number): void => {
      const part = slots.get(index) ?? OPS.empty();
      const v = Math.floor(rand() * 1000) - 500;
      OPS.mergeInto(part, { count: 1, min: v, max: v, values: new Set([v]) });
      slots.set(index, part);
      agg.changed(index);
    };
    for (let step = 0; step < 3000; step++) {
      const r = rand();
      if (r < 0.45) write(hi);
      else if (r < 0.6)
        write(hi - Math.floor(rand() * (width + 3))); // late, sometimes before the range
      else if (r < 0.65)
        write(hi + 1 + Math.floor(rand() * 3)); // ahead of the range
      else if (r < 0.7) {
        const index = hi - Math.floor(rand() * width);
        slots.delete(index); // the ring gave its place to a newer slot
        agg.changed(index);
      } else if (r < 0.85) hi += 1;
      else if (r < 0.9) hi += 2 + Math.floor(rand() * width * 2);
      else if (r < 0.93) hi -= 1 + Math.floor(rand() * 3); // a read for an earlier time
      const fresh = OPS.empty();
      for (let i = hi - width + 1; i <= hi; i++) {
        const part = slots.get(i);
        if (part) OPS.mergeInto(fresh, part);
      }
      expect(view(agg.read(hi - width, hi)), `step ${step}`).toEqual(view(fresh));
    }
  });

  it('reads after a write to the open slot with a few merges, not one per slot', () => {
    const slots = new Map<number, Part>();
    const agg = new SlidingAggregate(OPS, (i) => slots.get(i));
    const width = 60;
    for (let i = 1; i <= 200; i++) slots.set(i, { count: 1, min: i, max: i, values: new Set([i]) });
    let hi = 100;
    agg.read(hi - width, hi);
    let worst = 0;
    for (let step = 0; step < 100; step++) {
      if (step % 5 === 0) hi += 1;
      (slots.get(hi) as Part).count += 1;
      agg.changed(hi);
      mergesDone = 0;
      let count = 0;
      for (let i = hi - width + 1; i <= hi; i++) count += (slots.get(i) as Part).count;
      expect(agg.read(hi - width, hi).count).toBe(count);
      worst = Math.max(worst, mergesDone);
    }
    // two merges per read, plus a rebuild of the front (2 merges a slot) once per `width` slides
    expect(worst).toBeLessThanOrEqual(2 * width + 4);
    mergesDone = 0;
    for (let step = 0; step < 50; step++) {
      (slots.get(hi) as Part).count += 1;
      agg.changed(hi);
      agg.read(hi - width, hi);
    }
    expect(mergesDone).toBe(50 * 2);
  });

  it('refuses a stride that is not a whole number ≥ 1', () => {
    expect(() => new SlidingAggregate(OPS, () => undefined, 0)).toThrow(/stride must be a whole number ≥ 1, not 0/);
  });
});
