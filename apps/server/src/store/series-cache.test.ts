import { describe, expect, it } from 'vitest';
import { firstAfter, SeriesCache, WRITE_SLACK_MS, type CachedRow } from './series-cache.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 1);
/** Points every hour ending in (from, to], as the store answers them. */
const points = (fromMs: number, toMs: number, value = 1): CachedRow[] => {
  const rows: CachedRow[] = [];
  for (let e = Math.floor(fromMs / HOUR) * HOUR + HOUR; e <= toMs; e += HOUR) rows.push({ e, row: { e, n0: value } });
  return rows;
};
const ends = (rows: readonly CachedRow[] | undefined) => rows?.map((r) => (r.e - T0) / HOUR);

function cacheAt(nowMs: number, opts: Partial<{ maxEntries: number; maxBytes: number }> = {}) {
  const clock = { now: nowMs };
  const cache = new SeriesCache({ maxEntries: opts.maxEntries ?? 100, maxBytes: opts.maxBytes ?? 1e9, now: () => clock.now });
  const seen: string[] = [];
  cache.onLookup((r) => seen.push(r));
  return { cache, clock, seen };
}

/** A query of (from, to] as series-query.ts runs it: lookup, then the store for the rest, then store. */
function query(cache: SeriesCache, key: string, fromMs: number, toMs: number, value = 1) {
  const since = cache.begin();
  const held = cache.lookup(key, fromMs, toMs);
  const rest = held ? held.missingFrom : fromMs;
  const fresh = rest < toMs ? points(rest, toMs, value) : [];
  if (rest < toMs) cache.store(key, ['m'], rest, toMs, fresh, since);
  return { held, asked: rest < toMs ? ([rest, toMs] as const) : undefined };
}

describe('series cache: which points come from memory', () => {
  it('serves a repeated range whole, and asks the store only for the newer end of an overlapping one', () => {
    const { cache, clock, seen } = cacheAt(T0 + 48 * HOUR);
    query(cache, 'k', T0, T0 + 24 * HOUR);
    expect(query(cache, 'k', T0, T0 + 24 * HOUR).asked).toBeUndefined();
    clock.now += 3 * HOUR;
    const later = query(cache, 'k', T0 + 3 * HOUR, T0 + 27 * HOUR);
    expect(later.asked).toEqual([T0 + 24 * HOUR, T0 + 27 * HOUR]);
    expect(ends(later.held?.rows)).toEqual(Array.from({ length: 21 }, (_, i) => i + 4));
    expect(seen).toEqual(['miss', 'hit', 'partial']);
  });

  it('unaligned ranges: a partial first bucket is not a point, a partial last one is asked for again', () => {
    const { cache } = cacheAt(T0 + 10 * HOUR + 30 * 60_000);
    // (T0+0:30, now]: points 1…10; the open hour 10:00–11:00 ends after now, so it is never kept
    query(cache, 'k', T0 + 30 * 60_000, T0 + 11 * HOUR);
    const again = query(cache, 'k', T0 + 30 * 60_000, T0 + 11 * HOUR);
    expect(ends(again.held?.rows)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(again.asked).toEqual([T0 + 10 * HOUR + 30 * 60_000, T0 + 11 * HOUR]);
    // a range starting before what is held goes to the store whole
    expect(query(cache, 'k', T0 - HOUR, T0 + 5 * HOUR).asked).toEqual([T0 - HOUR, T0 + 5 * HOUR]);
  });

  it('holds disjoint stretches of one key (a series, its previous period, last year) and drops only what a write reaches', () => {
    const { cache, seen } = cacheAt(T0 + 480 * HOUR);
    const stretches = [
      [T0, T0 + 24 * HOUR],
      [T0 + 100 * HOUR, T0 + 124 * HOUR],
      [T0 + 200 * HOUR, T0 + 224 * HOUR],
    ] as const;
    for (const [f, t] of stretches) query(cache, 'k', f, t);
    for (const [f, t] of stretches) expect(query(cache, 'k', f, t).asked).toBeUndefined();
    expect(seen).toEqual(['miss', 'miss', 'miss', 'hit', 'hit', 'hit']);
    // a late event in the middle stretch: the first stays whole, the middle is cut, the last goes
    const late = T0 + 110 * HOUR;
    cache.written(new Map([['m', { minTs: late, maxTs: late }]]));
    expect(query(cache, 'k', T0, T0 + 24 * HOUR).asked).toBeUndefined();
    expect(query(cache, 'k', T0 + 100 * HOUR, T0 + 124 * HOUR).asked).toEqual([late - WRITE_SLACK_MS, T0 + 124 * HOUR]);
    expect(query(cache, 'k', T0 + 200 * HOUR, T0 + 224 * HOUR).asked).toEqual([T0 + 200 * HOUR, T0 + 224 * HOUR]);
  });

  it('keeps at most 8 stretches a key, the latest stored among them', () => {
    const { cache } = cacheAt(T0 + 480 * HOUR);
    for (let i = 0; i < 10; i++) query(cache, 'k', T0 + i * 30 * HOUR, T0 + i * 30 * HOUR + 4 * HOUR);
    const held = Array.from({ length: 10 }, (_, i) => cache.lookup('k', T0 + i * 30 * HOUR, T0 + i * 30 * HOUR + 4 * HOUR) !== undefined);
    expect(held.filter(Boolean)).toHaveLength(8);
    expect(held[9]).toBe(true);
  });

  it('a range ending a little later with no point in the gap is a hit', () => {
    const { cache, seen } = cacheAt(T0 + 48 * HOUR);
    query(cache, 'k', T0, T0 + 24 * HOUR);
    const noPoint = (lo: number, hi: number) => Math.floor(lo / HOUR) * HOUR + HOUR <= hi;
    const held = cache.lookup('k', T0 + 10 * 60_000, T0 + 24 * HOUR + 10 * 60_000, noPoint);
    expect(held?.missingFrom).toBe(T0 + 24 * HOUR + 10 * 60_000);
    expect(held?.rows).toHaveLength(24);
    expect(cache.lookup('k', T0, T0 + 25 * HOUR, noPoint)?.missingFrom).toBe(T0 + 24 * HOUR);
    expect(seen).toEqual(['miss', 'hit', 'partial']);
  });

  it('keys apart: another key is a miss', () => {
    const { cache } = cacheAt(T0 + 48 * HOUR);
    query(cache, 'a', T0, T0 + 24 * HOUR);
    expect(query(cache, 'b', T0, T0 + 24 * HOUR).asked).toEqual([T0, T0 + 24 * HOUR]);
  });
});

describe('series cache: writes', () => {
  it('a late event in an old bucket drops the points from it on, for its metric only', () => {
    const { cache } = cacheAt(T0 + 48 * HOUR);
    query(cache, 'k', T0, T0 + 24 * HOUR);
    const late = T0 + 5 * HOUR + 10 * 60_000;
    cache.written(new Map([['m', { minTs: late, maxTs: late }]]));
    const after = query(cache, 'k', T0, T0 + 24 * HOUR);
    // the point ending 05:00 cannot hold 05:10 (nor anything a minute's slack before it)
    expect(ends(after.held?.rows)).toEqual([1, 2, 3, 4, 5]);
    expect(after.asked).toEqual([late - WRITE_SLACK_MS, T0 + 24 * HOUR]);
    cache.written(new Map([['other', { minTs: T0, maxTs: T0 }]]));
    expect(query(cache, 'k', T0, T0 + 24 * HOUR).asked).toBeUndefined();
  });

  it('a write before the first point held drops the entry', () => {
    const { cache } = cacheAt(T0 + 48 * HOUR);
    query(cache, 'k', T0, T0 + 24 * HOUR);
    cache.written(new Map([['m', { minTs: T0 - HOUR, maxTs: T0 + 30 * HOUR }]]));
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });

  it('a write landing while a query is in flight cuts what that query keeps', () => {
    const { cache } = cacheAt(T0 + 48 * HOUR);
    const since = cache.begin();
    const late = T0 + 7 * HOUR;
    // the query may have read before the write: its rows for 07:00 on cannot be trusted
    cache.written(new Map([['m', { minTs: late, maxTs: late }]]));
    cache.store('k', ['m'], T0, T0 + 24 * HOUR, points(T0, T0 + 24 * HOUR), since);
    expect(ends(cache.lookup('k', T0, T0 + 24 * HOUR)?.rows)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps nothing of a query older than the log of writes', () => {
    const { cache } = cacheAt(T0 + 48 * HOUR);
    const since = cache.begin();
    for (let i = 0; i < 25_000; i++) cache.written(new Map([[`other${i}`, { minTs: T0, maxTs: T0 }]]));
    cache.store('k', ['m'], T0, T0 + 24 * HOUR, points(T0, T0 + 24 * HOUR), since);
    expect(cache.size).toBe(0);
  });

  it('joins a newer range to the one held, the newer rows replacing the old ones', () => {
    const { cache, clock } = cacheAt(T0 + 24 * HOUR);
    query(cache, 'k', T0, T0 + 24 * HOUR, 1);
    clock.now += 24 * HOUR;
    query(cache, 'k', T0 + 20 * HOUR, T0 + 48 * HOUR, 2);
    const held = cache.lookup('k', T0, T0 + 48 * HOUR);
    expect(held?.missingFrom).toBe(T0 + 48 * HOUR);
    expect(held?.rows.map((r) => r.row.n0)).toEqual([...Array<number>(24).fill(1), ...Array<number>(24).fill(2)]);
  });
});

describe('series cache: bounds and switch', () => {
  it('evicts the least recently used entry past the entry bound', () => {
    const { cache } = cacheAt(T0 + 48 * HOUR, { maxEntries: 2 });
    query(cache, 'a', T0, T0 + HOUR * 4);
    query(cache, 'b', T0, T0 + HOUR * 4);
    cache.lookup('a', T0, T0 + HOUR * 4);
    query(cache, 'c', T0, T0 + HOUR * 4);
    expect(cache.lookup('b', T0, T0 + HOUR * 4)).toBeUndefined();
    expect(cache.lookup('a', T0, T0 + HOUR * 4)).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('stays under the byte bound, and keeps nothing larger than it', () => {
    const { cache } = cacheAt(T0 + 480 * HOUR, { maxBytes: 10_000 });
    for (const k of ['a', 'b', 'c', 'd']) query(cache, k, T0, T0 + 24 * HOUR);
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.size).toBeGreaterThan(0);
    cache.clear();
    query(cache, 'huge', T0, T0 + 400 * HOUR);
    expect(cache.size).toBe(0);
  });

  it('off: empty, keeps nothing', () => {
    const { cache } = cacheAt(T0 + 48 * HOUR);
    query(cache, 'k', T0, T0 + 24 * HOUR);
    cache.setEnabled(false);
    expect(cache.size).toBe(0);
    query(cache, 'k', T0, T0 + 24 * HOUR);
    expect(cache.size).toBe(0);
  });

  it('rejects bounds that are not positive integers', () => {
    expect(() => new SeriesCache({ maxEntries: 0, maxBytes: 1 })).toThrow(/maxEntries/);
    expect(() => new SeriesCache({ maxEntries: 1, maxBytes: Number.NaN })).toThrow(/maxBytes/);
  });

  it('firstAfter finds the first point after a time', () => {
    const rows = points(T0, T0 + 5 * HOUR);
    expect(firstAfter(rows, T0)).toBe(0);
    expect(firstAfter(rows, T0 + HOUR)).toBe(1);
    expect(firstAfter(rows, T0 + HOUR + 1)).toBe(1);
    expect(firstAfter(rows, T0 + 9 * HOUR)).toBe(5);
  });
});
