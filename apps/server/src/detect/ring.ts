/** A bounded ring of the last `capacity` numbers with a cached median: the building block of the seasonal buckets. */
export class MedianRing {
  readonly #values: number[] = [];
  readonly #capacity: number;
  #head = 0;
  #median: number | null = null;

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
      this.#values[this.#head] = v;
      this.#head = (this.#head + 1) % this.#capacity;
    }
    this.#median = null;
  }

  /** The median, recomputed (O(capacity · log capacity)) only after a push. NaN when empty. */
  median(): number {
    this.#median ??= medianOf([...this.#values]);
    return this.#median;
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
