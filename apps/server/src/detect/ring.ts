import { lowerBound } from './robust.ts';

/** A bounded ring of the last `capacity` numbers with a cached median: the building block of the seasonal buckets. */
export class MedianRing {
  readonly #values: number[] = [];
  /** The same values kept sorted (binary-search insert and evict), so the median is O(1). */
  readonly #sorted: number[] = [];
  readonly #capacity: number;
  #head = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#values.length;
  }

  get values(): readonly number[] {
    return this.#values;
  }

  push(v: number): void {
    if (this.#values.length < this.#capacity) this.#values.push(v);
    else {
      const old = this.#values[this.#head] as number;
      this.#values[this.#head] = v;
      this.#head = (this.#head + 1) % this.#capacity;
      this.#sorted.splice(lowerBound(this.#sorted, old), 1);
    }
    this.#sorted.splice(lowerBound(this.#sorted, v), 0, v);
  }

  /** The median, O(1). NaN when empty. */
  median(): number {
    const s = this.#sorted;
    const n = s.length;
    if (n === 0) return NaN;
    const m = n >>> 1;
    return n % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  }
}

/** The median of `values`, sorting them in place. NaN when empty. */
export function medianOf(values: number[]): number {
  const n = values.length;
  if (n === 0) return NaN;
  values.sort((a, b) => a - b);
  const m = n >>> 1;
  return n % 2 === 1 ? (values[m] as number) : ((values[m - 1] as number) + (values[m] as number)) / 2;
}
