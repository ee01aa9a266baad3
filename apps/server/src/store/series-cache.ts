/**
 * A result cache for history series (store/series-query.ts): the rows the store answered
 * for a series' points, kept per query (its SQL and every parameter but the range), so a
 * repeated or overlapping query asks the store only for the points it does not hold. A
 * breakdown over a range that has ended is kept whole, as one point at its end
 * (store/breakdown-query.ts): it aggregates only events before its end, as a point does.
 *
 * Trust first: a point is served from here only if no write since it was cached can have
 * touched it.
 * - Every insert into `events` reports, per metric, the earliest event time of its batch
 *   (`written`, called by EventStore.insertEvents after the insert, also after a failed one:
 *   part of it may have landed). A point ending at `e` aggregates only events before `e`, so
 *   an event at `ts` cannot touch points with `e ≤ ts`; every entry over that metric keeps
 *   only those (less a slack), late events with old timestamps included. An old late event
 *   thus drops the tail after it, points its window never reached included: simple, and
 *   never wrong.
 * - A query in flight while a write lands may or may not have seen it: the rows it brings
 *   back are cut the same way by every write reported since it began (`begin`'s sequence
 *   number), and not kept at all when the log of writes no longer reaches back that far.
 * - Only points that have ended (`e ≤ now`) are kept: an open point changes with every
 *   batch, so keeping it would buy nothing.
 * - Definitions: the key is the SQL and its parameters, which carry the metrics, filters,
 *   aggregation, window, step and zone; a changed KPI (or a renamed metric) is another key.
 * - Retention (TTL) and deletes: the caller bypasses the cache for a query reaching within
 *   a day of a table's TTL (series-query.ts); nothing in the product deletes events.
 * - Another process writing to the same store (a ClickHouse server via CLICKHOUSE_URL, a
 *   cluster, `northstar store`) is invisible here: the cache exists only for the embedded
 *   store, which one process holds (store/clickhouse.ts).
 *
 * Bounded by entries and by an estimate of bytes, least recently used first out.
 */

/** One point's row as the store answered it, and the point's end (epoch ms). */
export interface CachedRow {
  e: number;
  row: Readonly<Record<string, unknown>>;
  /** Its size when it is more than a row of numbers (a breakdown's groups); else estimated. */
  bytes?: number;
}

/** What a write reports per metric: the earliest and latest event time of its batch (epoch ms). */
export interface WrittenSpan {
  minTs: number;
  maxTs: number;
}

export type CacheLookupResult = 'hit' | 'partial' | 'miss';
export type CacheLookupListener = (result: CacheLookupResult) => void;

export interface SeriesCacheOptions {
  maxEntries: number;
  maxBytes: number;
  now?: () => number;
}

/** HISTORY_CACHE_MAX_BYTES' default: ~75 000 points of a single-measure KPI (~220 bytes each, see entryBytes). */
export const DEFAULT_HISTORY_CACHE_MAX_BYTES = 16 * 1024 * 1024;
/** HISTORY_CACHE_MAX_ENTRIES' default: a series per KPI, step and comparison of a large model. */
export const DEFAULT_HISTORY_CACHE_MAX_ENTRIES = 2_000;

/**
 * An event stored at `ts` may be counted a little earlier than `ts` by a rounding of the
 * engine (seconds instead of milliseconds): cut a minute further back than the exact rule needs.
 */
export const WRITE_SLACK_MS = 60_000;
/** Writes remembered for queries in flight; a query older than the log is not kept. */
const WRITE_LOG_MAX = 20_000;
/** A rough size of a row kept: the object, its keys' slots and the numbers or short strings in them. */
const ROW_BASE_BYTES = 64;
const ROW_FIELD_BYTES = 40;

/** A stretch of a series held: all the grid's points in (lo, hi], none missing in between. */
interface Segment {
  lo: number;
  hi: number;
  /** Sorted by e, all in (lo, hi]. */
  rows: CachedRow[];
}

interface Entry {
  metrics: readonly string[];
  /** Disjoint, sorted by lo: a chart's current, previous and last-year ranges are three stretches of one key. */
  segments: Segment[];
  bytes: number;
}

/** Stretches kept per key: a series and its comparisons, and a few ranges an analyst moves between. */
const MAX_SEGMENTS = 8;

/** Served from the cache: the rows of (from, missingFrom]; `missingFrom` < to: the store must answer (missingFrom, to]. */
export interface CacheLookup {
  rows: CachedRow[];
  missingFrom: number;
}

export class SeriesCache {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  /** Insertion order is recency: a used entry is moved to the end. */
  readonly #entries = new Map<string, Entry>();
  readonly #byMetric = new Map<string, Set<string>>();
  #bytes = 0;
  #seq = 0;
  /** Per metric write, in sequence order: what a query in flight must apply to its rows. */
  #log: Array<{ seq: number; metric: string; minTs: number }> = [];
  #enabled = true;
  readonly #listeners: CacheLookupListener[] = [];

  constructor(opts: SeriesCacheOptions) {
    for (const [name, v] of [
      ['maxEntries', opts.maxEntries],
      ['maxBytes', opts.maxBytes],
    ] as const) {
      if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`series cache: ${name} must be a positive integer, got ${v}`);
    }
    this.#maxEntries = opts.maxEntries;
    this.#maxBytes = opts.maxBytes;
    this.#now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Off: empty, and every query goes to the store (the bench's A/B); writes are still logged. */
  setEnabled(on: boolean): void {
    this.#enabled = on;
    if (!on) this.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  onLookup(listener: CacheLookupListener): void {
    this.#listeners.push(listener);
  }

  /** Before a query goes to the store: the sequence number its rows are checked against in `store`. */
  begin(): number {
    return this.#seq;
  }

  /** `pointsIn(lo, hi)`: whether (lo, hi] may hold a point; when not, what is held answers the whole range. */
  lookup(key: string, fromMs: number, toMs: number, pointsIn: (lo: number, hi: number) => boolean = () => true): CacheLookup | undefined {
    const entry = this.#entries.get(key);
    const segment = entry?.segments.find((g) => g.lo <= fromMs && fromMs < g.hi);
    if (!entry || !segment) {
      this.#tell('miss');
      return undefined;
    }
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    const whole = toMs <= segment.hi || !pointsIn(segment.hi, toMs);
    const upTo = Math.min(toMs, segment.hi);
    const rows = segment.rows.slice(firstAfter(segment.rows, fromMs), firstAfter(segment.rows, upTo));
    this.#tell(whole ? 'hit' : 'partial');
    return { rows, missingFrom: whole ? toMs : upTo };
  }

  /**
   * The store's rows for every point in (fromMs, toMs] of `key`, queried after `begin()`
   * returned `since`. Keeps those that have ended and that no write since can have touched,
   * joined to the stretches held that the range meets.
   */
  store(key: string, metrics: readonly string[], fromMs: number, toMs: number, rows: readonly CachedRow[], since: number): void {
    if (!this.#enabled) return;
    let hi = Math.min(toMs, this.#now());
    if (this.#seq > since) {
      // the log must hold every write after `since`, or the rows may hide one
      if (this.#log.length === 0 || this.#log[0]!.seq > since + 1) return;
      for (let i = this.#log.length - 1; i >= 0 && this.#log[i]!.seq > since; i--) {
        const w = this.#log[i]!;
        if (metrics.includes(w.metric)) hi = Math.min(hi, w.minTs - WRITE_SLACK_MS);
      }
    }
    if (hi <= fromMs) return;
    let fresh: Segment = { lo: fromMs, hi, rows: rows.slice(0, firstAfter(rows, hi)) };
    const others: Segment[] = [];
    for (const g of this.#entries.get(key)?.segments ?? []) {
      if (g.lo > fresh.hi || g.hi < fresh.lo) {
        others.push(g);
        continue;
      }
      // the two stretches meet: the new rows replace the old where both have a point
      const rest = g.rows.filter((r) => r.e <= fresh.lo || r.e > fresh.hi);
      fresh = { lo: Math.min(g.lo, fresh.lo), hi: Math.max(g.hi, fresh.hi), rows: [...rest, ...fresh.rows].sort((a, b) => a.e - b.e) };
    }
    // the stretch just stored is kept; past the bound, the earliest in time go
    const segments = [...others.slice(-(MAX_SEGMENTS - 1)), fresh].sort((a, b) => a.lo - b.lo);
    const entry: Entry = { metrics, segments, bytes: entryBytes(key, segments) };
    this.#remove(key);
    if (entry.bytes > this.#maxBytes) return;
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    for (const m of metrics) {
      let keys = this.#byMetric.get(m);
      if (!keys) this.#byMetric.set(m, (keys = new Set()));
      keys.add(key);
    }
    this.#evict();
  }

  /** After an insert into `events` (successful or not): per metric, the span of its batch's event times. */
  written(spans: ReadonlyMap<string, WrittenSpan>): void {
    if (spans.size === 0) return;
    this.#seq++;
    for (const [metric, span] of spans) {
      this.#log.push({ seq: this.#seq, metric, minTs: span.minTs });
      for (const key of [...(this.#byMetric.get(metric) ?? [])]) this.#cut(key, span.minTs - WRITE_SLACK_MS);
    }
    if (this.#log.length > WRITE_LOG_MAX) this.#log = this.#log.slice(this.#log.length - WRITE_LOG_MAX / 2);
  }

  clear(): void {
    this.#entries.clear();
    this.#byMetric.clear();
    this.#bytes = 0;
  }

  /** Keeps the points of `key` that end at or before `upTo`. */
  #cut(key: string, upTo: number): void {
    const entry = this.#entries.get(key);
    if (!entry || entry.segments.every((g) => g.hi <= upTo)) return;
    const segments: Segment[] = [];
    for (const g of entry.segments) {
      if (g.hi <= upTo) segments.push(g);
      else if (g.lo < upTo) segments.push({ lo: g.lo, hi: upTo, rows: g.rows.slice(0, firstAfter(g.rows, upTo)) });
    }
    if (segments.length === 0) {
      this.#remove(key);
      return;
    }
    const bytes = entryBytes(key, segments);
    this.#bytes += bytes - entry.bytes;
    entry.segments = segments;
    entry.bytes = bytes;
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
    for (const m of entry.metrics) {
      const keys = this.#byMetric.get(m);
      keys?.delete(key);
      if (keys?.size === 0) this.#byMetric.delete(m);
    }
  }

  #evict(): void {
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) return;
      this.#remove(key);
    }
  }

  #tell(result: CacheLookupResult): void {
    for (const l of this.#listeners) l(result);
  }
}

/** The index of the first row with e > t (rows sorted by e). */
export function firstAfter(rows: readonly CachedRow[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.e <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function entryBytes(key: string, segments: readonly Segment[]): number {
  let bytes = 2 * key.length;
  for (const { rows } of segments) {
    const fields = rows.length > 0 ? Object.keys(rows[0]!.row).length : 0;
    for (const r of rows) bytes += r.bytes ?? ROW_BASE_BYTES + fields * ROW_FIELD_BYTES;
  }
  return bytes;
}
