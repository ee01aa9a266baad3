/**
 * A map keyed by an event's identity (metric, id) without building a key string per event:
 * one inner map per metric, keyed by the id string as decoding produced it. V8 caches a
 * flat string's hash on the string, so a lookup by `e.id` hashes nothing new, where a
 * concatenated `metric + '\0' + id` key was a new string to allocate, flatten and hash for
 * every event: a fifth of the ingest main thread's samples (the id guard, `node --cpu-prof` of bench/ingest-http.ts).
 */
export class IdentityMap<V> {
  readonly #byMetric = new Map<string, Map<string, V>>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get(metric: string, id: string): V | undefined {
    return this.#byMetric.get(metric)?.get(id);
  }

  set(metric: string, id: string, value: V): void {
    let ids = this.#byMetric.get(metric);
    if (ids === undefined) this.#byMetric.set(metric, (ids = new Map()));
    const before = ids.size;
    ids.set(id, value);
    this.#size += ids.size - before;
  }

  /** Every entry, metric by metric. */
  forEach(visit: (value: V, metric: string, id: string) => void): void {
    for (const [metric, ids] of this.#byMetric) for (const [id, value] of ids) visit(value, metric, id);
  }

  delete(metric: string, id: string): void {
    const ids = this.#byMetric.get(metric);
    if (ids === undefined || !ids.delete(id)) return;
    this.#size--;
    if (ids.size === 0) this.#byMetric.delete(metric);
  }
}
