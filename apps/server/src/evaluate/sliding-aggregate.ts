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
 * ending at mid (every `stride`-th length), so dropping the oldest slots drops suffixes;
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
  /** Suffix merges are kept for every `stride`-th length only: memory over merges per slide. */
  readonly #stride: number;
  /**
   * front[m] = merge of the last (m + 1)·stride parts of (…, mid], i.e. of indices
   * (mid − (m + 1)·stride, mid]; never mutated once made, so entries may share.
   */
  #front: T[] = [];
  /** Merge of parts (mid, hi − 1]; undefined when it must be rebuilt. */
  #back: T | undefined;
  /** Merge of parts (lo, hi − 1], the closed slots; undefined when it must be recomputed. */
  #closed: T | undefined;
  /** Merge of parts (lo, hi]; undefined when it must be recomputed. */
  #result: T | undefined;

  /**
   * `partAt(index)` is the slot's part now, or undefined for an empty or missing slot.
   * `stride` > 1 keeps a suffix merge every `stride` slots only (1/stride of the memory); the
   * closed merge then takes up to stride − 1 more merges, once per slide, not per read.
   */
  constructor(ops: MergeOps<T>, partAt: (index: number) => T | undefined, stride = 1) {
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`SlidingAggregate: stride must be a whole number ≥ 1, not ${stride}`);
    this.#ops = ops;
    this.#partAt = partAt;
    this.#stride = stride;
  }

  /** Drops the suffix merges longer than `length` parts. */
  #keepFront(length: number): void {
    this.#front.length = Math.min(this.#front.length, Math.floor(length / this.#stride));
  }

  /** A slot's part changed (an event landed in it, or its place was taken by a newer slot). */
  changed(index: number): void {
    if (!this.#started || index <= this.#lo || index > this.#hi) return;
    this.#result = undefined;
    if (index === this.#hi) return; // the open slot is merged at every read
    this.#closed = undefined;
    if (index > this.#mid) this.#back = undefined;
    else this.#keepFront(this.#mid - index); // the suffixes that hold `index`
  }

  /** The merge of the parts with index in (lo, hi]. Do not mutate it: it is handed out again until something changes. */
  read(lo: number, hi: number): T {
    this.#moveTo(lo, hi);
    if (this.#result !== undefined) return this.#result;
    if (this.#closed === undefined) {
      const closed = this.#ops.empty();
      this.#mergeFront(closed);
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
      this.#keepFront(this.#mid - lo); // those longer than the range are no longer needed
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

  /** Merges (lo, mid] into `into`: the longest kept suffix, rebuilt if missing, and the parts before it. */
  #mergeFront(into: T): void {
    const want = this.#mid - this.#lo;
    if (want <= 0) return;
    const kept = Math.floor(want / this.#stride);
    while (this.#front.length < kept) {
      const m = this.#front.length;
      const prev = this.#front[m - 1];
      const parts: T[] = [];
      for (let i = this.#mid - m * this.#stride; i > this.#mid - (m + 1) * this.#stride; i--) {
        const part = this.#partAt(i);
        if (part !== undefined && !this.#ops.isEmpty(part)) parts.push(part);
      }
      if (prev !== undefined && parts.length === 0) {
        this.#front.push(prev); // nothing to add: share the suffix (never mutated)
        continue;
      }
      const next = this.#ops.empty();
      if (prev !== undefined) this.#ops.mergeInto(next, prev);
      for (const part of parts) this.#ops.mergeInto(next, part);
      this.#front.push(next);
    }
    const top = this.#front[kept - 1];
    if (top !== undefined) this.#ops.mergeInto(into, top);
    for (let i = this.#lo + 1; i <= this.#mid - kept * this.#stride; i++) this.#mergePart(into, i);
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
