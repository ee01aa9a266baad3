/** How parts merge: an associative merge with an identity (a monoid), possibly not invertible. */
export interface MergeOps<T> {
  empty(): T;
  /** `into` += `from`; must not keep a reference to `from`'s mutable state. */
  mergeInto(into: T, from: T): void;
  /** True when merging `part` changes nothing, so a merged prefix can be reused as is. */
  isEmpty(part: T): boolean;
}

/**
 * The merge of the parts of a sliding range (lo, hi] of slot indices, read again after a few
 * slots changed or the range slid, at O(1) merges per read instead of one per slot.
 *
 * Two stacks (the classic sliding-window aggregation for merges that cannot be undone, such
 * as quantile sketches and HyperLogLogs): the older part (lo, mid] is kept as suffix merges
 * `front[j]` = parts mid−j … mid, so dropping the oldest slot is dropping the last suffix;
 * the newer part (mid, hi−1] as one running merge `back`; the open slot `hi`, where nearly
 * every event lands, is merged at read time. A read is `(front top ⊕ back) ⊕ part(hi)`, the
 * first part kept until a closed slot changes or the range moves, the whole until any slot in
 * the range changes or the range moves. When the front runs out, it is
 * rebuilt from the slots up to hi−1 (W merges once per W slides).
 *
 * A change to a slot inside the front drops the suffixes that hold it (they are rebuilt on
 * the next read); inside the back, the back is rebuilt. So the answer is always the merge of
 * the parts in the range as they are now. It is the same as a fresh merge of the slots only
 * when the merge does not depend on order or grouping (integer counts, min/max, register
 * max, sets): callers keep order-dependent parts (float sums) out of it.
 */
export class SlidingAggregate<T> {
  readonly #ops: MergeOps<T>;
  readonly #partAt: (index: number) => T | undefined;
  #lo = 0;
  #hi = 0;
  #mid = 0;
  #started = false;
  /** front[j] = merge of parts (mid − j … mid]; entries are never mutated once made, so they may share. */
  #front: T[] = [];
  /** Merge of parts (mid, hi − 1]; undefined when it must be rebuilt. */
  #back: T | undefined;
  /** Merge of parts (lo, hi − 1], the closed slots; undefined when it must be recomputed. */
  #closed: T | undefined;
  /** Merge of parts (lo, hi]; undefined when it must be recomputed. */
  #result: T | undefined;

  /** `partAt(index)` is the slot's part now, or undefined for an empty or missing slot. */
  constructor(ops: MergeOps<T>, partAt: (index: number) => T | undefined) {
    this.#ops = ops;
    this.#partAt = partAt;
  }

  /** A slot's part changed (an event landed in it, or its place was taken by a newer slot). */
  changed(index: number): void {
    if (!this.#started || index <= this.#lo || index > this.#hi) return;
    this.#result = undefined;
    if (index === this.#hi) return; // the open slot is merged at every read
    this.#closed = undefined;
    if (index > this.#mid) this.#back = undefined;
    else this.#front.length = Math.min(this.#front.length, this.#mid - index);
  }

  /** The merge of the parts with index in (lo, hi]. Do not mutate it: it is handed out again until something changes. */
  read(lo: number, hi: number): T {
    this.#moveTo(lo, hi);
    if (this.#result !== undefined) return this.#result;
    if (this.#closed === undefined) {
      const closed = this.#ops.empty();
      const frontTop = this.#frontTop();
      if (frontTop !== undefined) this.#ops.mergeInto(closed, frontTop);
      this.#ops.mergeInto(closed, this.#backMerge());
      this.#closed = closed;
    }
    // the open slot changes with nearly every event: a copy of the closed merge plus one merge
    const open = this.#partAt(hi);
    if (open === undefined || this.#ops.isEmpty(open)) this.#result = this.#closed;
    else {
      const out = this.#ops.empty();
      this.#ops.mergeInto(out, this.#closed);
      this.#ops.mergeInto(out, open);
      this.#result = out;
    }
    return this.#result;
  }

  #moveTo(lo: number, hi: number): void {
    if (this.#started && lo === this.#lo && hi === this.#hi) return;
    const slidForward = this.#started && hi > this.#hi && lo >= this.#lo && lo <= this.#mid;
    if (slidForward) {
      // the old open slot and any skipped ones join the back; the oldest leave the front
      if (this.#back !== undefined) {
        for (let i = this.#hi; i < hi; i++) this.#mergePart(this.#back, i);
      }
      this.#front.length = Math.min(this.#front.length, this.#mid - lo);
    } else {
      // first read, a jump past the front, or a move backwards: start over from the slots
      this.#mid = hi - 1;
      this.#front = [];
      this.#back = this.#ops.empty();
      this.#started = true;
    }
    this.#lo = lo;
    this.#hi = hi;
    this.#closed = undefined;
    this.#result = undefined;
  }

  #mergePart(into: T, index: number): void {
    const part = this.#partAt(index);
    if (part !== undefined) this.#ops.mergeInto(into, part);
  }

  /** The merge of (lo, mid], rebuilding the suffixes it lacks; undefined when lo ≥ mid. */
  #frontTop(): T | undefined {
    const want = this.#mid - this.#lo;
    if (want <= 0) return undefined;
    while (this.#front.length < want) {
      const j = this.#front.length;
      const prev = this.#front[j - 1];
      const part = this.#partAt(this.#mid - j);
      if (prev !== undefined && (part === undefined || this.#ops.isEmpty(part))) {
        this.#front.push(prev); // nothing to add: share the suffix (never mutated)
        continue;
      }
      const next = this.#ops.empty();
      if (prev !== undefined) this.#ops.mergeInto(next, prev);
      if (part !== undefined) this.#ops.mergeInto(next, part);
      this.#front.push(next);
    }
    return this.#front[want - 1];
  }

  #backMerge(): T {
    if (this.#back === undefined) {
      const back = this.#ops.empty();
      for (let i = this.#mid + 1; i < this.#hi; i++) this.#mergePart(back, i);
      this.#back = back;
    }
    return this.#back;
  }
}
