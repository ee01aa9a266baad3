import { describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { seededRng } from '../demo/generator.ts';
import { PartialAccumulator } from './accumulator.ts';
import {
  decodePartials,
  encodeIntent,
  encodePartial,
  encodeWatermark,
  PARTIAL_MESSAGE_MAX_BYTES,
  type PartialMessage,
  type PartialsMessage,
} from './codec.ts';
import { HLL_STANDARD_ERROR } from './hll.ts';
import { measureKey, measureSpecs } from './measure-key.ts';
import { PartialMerger } from './merger.ts';
import {
  distinctCount,
  emptyPartial,
  foldEvent,
  mergePartial,
  PARTIAL_SKETCH_ACCURACY,
  PARTIAL_VALUES_MAX,
  type Partial,
} from './partial.ts';
import { kafkaSource, tagSource } from './source-tag.ts';

type Rng = () => number;

interface Ev {
  ts: number;
  value: number;
  key: string;
}

/** A stream with heavy tails, negatives, zeros and repeated distinct keys: the shapes a sketch finds hardest. */
function stream(rng: Rng, n: number, keys: number): Ev[] {
  return Array.from({ length: n }, (_, i) => {
    const r = rng();
    const value = r < 0.05 ? 0 : r < 0.15 ? -Math.exp(rng() * 5) : Math.exp(rng() * 12) / 7;
    return { ts: 1_700_000_000_000 + i, value, key: `u${Math.floor(rng() * keys)}` };
  });
}

/** Splits the stream into 1..8 parts at random, in a random order: sources of one second. */
function split(rng: Rng, events: Ev[]): Ev[][] {
  const parts: Ev[][] = Array.from({ length: 1 + Math.floor(rng() * 8) }, () => []);
  for (const e of events) parts[Math.floor(rng() * parts.length)]!.push(e);
  return parts;
}

function partialOf(events: Ev[], shape = { sketch: true, distinct: true }): Partial {
  const p = emptyPartial(shape);
  for (const e of events) foldEvent(p, e.ts, e.value, e.key);
  return p;
}

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  // DDSketch's rank: the value at rank q·(n−1), lower
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

const roundTrip = (p: Partial, source = 's'): Partial => {
  const { key, value } = encodePartial({ measure: 'm', second: 1, source, partial: p });
  const m = decodePartials(key, value, 'test');
  if (m.kind !== 'partial') throw new Error('not a partial');
  return m.partial;
};

describe('partial aggregates', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('merging the partials of any split equals the direct computation (seed %i)', (seed) => {
    const rng = seededRng(seed);
    const events = stream(rng, 500 + Math.floor(rng() * 5000), 1 + Math.floor(rng() * 1500));
    const direct = partialOf(events);
    const merged = emptyPartial({ sketch: true, distinct: true });
    // half the parts go through the wire: what another instance merges
    for (const [i, part] of split(rng, events).entries()) mergePartial(merged, i % 2 ? roundTrip(partialOf(part)) : partialOf(part));
    const values = events.map((e) => e.value);
    expect(merged.count).toBe(events.length);
    expect(merged.sum).toBeCloseTo(
      values.reduce((a, b) => a + b, 0),
      6,
    );
    expect(merged.min).toBe(Math.min(...values));
    expect(merged.max).toBe(Math.max(...values));
    expect(merged.lastTs).toBe(Math.max(...events.map((e) => e.ts)));
    const distinct = new Set(events.map((e) => e.key)).size;
    // exact while few values; within 3 standard errors of the HyperLogLog once many
    if (distinct <= PARTIAL_VALUES_MAX) expect(distinctCount(merged)).toBe(distinct);
    else expect(Math.abs(distinctCount(merged) - distinct) / distinct).toBeLessThan(3 * HLL_STANDARD_ERROR);
    expect(distinctCount(merged)).toBeCloseTo(distinctCount(direct), -1);
    for (const q of [0.5, 0.9, 0.95, 0.99]) {
      const exact = exactQuantile(values, q);
      const got = merged.sketch!.getValueAtQuantile(q);
      expect(Math.abs(got - exact)).toBeLessThanOrEqual(PARTIAL_SKETCH_ACCURACY * Math.abs(exact) + 1e-9);
    }
  });

  it('counts a million distinct values within the stated error, and merges idempotently', () => {
    const a = emptyPartial({ sketch: false, distinct: true });
    const b = emptyPartial({ sketch: false, distinct: true });
    for (let i = 0; i < 1_000_000; i++) foldEvent(i % 3 ? a : b, 0, 1, `account-${i}`);
    mergePartial(a, b);
    const once = distinctCount(a);
    expect(Math.abs(once - 1_000_000) / 1_000_000).toBeLessThan(3 * HLL_STANDARD_ERROR);
    a.hll!.merge(b.hll!);
    expect(distinctCount(a)).toBe(once);
    expect(distinctCount(roundTrip(a))).toBe(once);
  });

  it('round-trips through its message, sketch, values and HyperLogLog included', () => {
    const rng = seededRng(42);
    for (const keys of [10, PARTIAL_VALUES_MAX * 3]) {
      const p = partialOf(stream(rng, 8000, keys));
      const back = roundTrip(p);
      expect({ ...back, sketch: undefined, values: undefined, hll: undefined }).toEqual({
        ...p,
        sketch: undefined,
        values: undefined,
        hll: undefined,
      });
      expect(distinctCount(back)).toBe(distinctCount(p));
      for (const q of [0, 0.5, 0.99, 1]) expect(back.sketch!.getValueAtQuantile(q)).toBe(p.sketch!.getValueAtQuantile(q));
      const w = encodeWatermark({ source: 'northstar.events/3', offset: '12345678901234' });
      expect(decodePartials(w.key, w.value, 'x')).toEqual({ kind: 'watermark', source: 'northstar.events/3', offset: '12345678901234' });
      const i = encodeIntent({ source: 'northstar.events/3', offset: '42' });
      expect(decodePartials(i.key, i.value, 'x')).toEqual({ kind: 'intent', source: 'northstar.events/3', offset: '42' });
    }
  });

  it('refuses bad and oversize messages with an error that says where and what', () => {
    const good = encodePartial({ measure: 'm', second: 7, source: 's', partial: partialOf([{ ts: 7000, value: 2, key: 'a' }]) });
    const at = 'northstar.kpi-partials/0@17';
    const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(good.value), ...patch });
    expect(() => decodePartials(good.key, '{', at)).toThrow(/northstar.kpi-partials\/0@17: not JSON/);
    expect(() => decodePartials(good.key, null, at)).toThrow(/tombstone/);
    expect(() => decodePartials(good.key, bad({ n: -1 }), at)).toThrow(/n must be a positive count/);
    expect(() => decodePartials(good.key, bad({ n: 1.5 }), at)).toThrow(/@17: bad partial: n/);
    expect(() => decodePartials(good.key, bad({ s: null }), at)).toThrow(/bad partial: s/);
    expect(() => decodePartials(good.key, bad({ v: 2 }), at)).toThrow(/version must be 1/);
    expect(() => decodePartials(good.key, bad({ extra: 1 }), at)).toThrow(/extra/);
    expect(() => decodePartials(good.key, bad({ lo: 5, hi: 1 }), at)).toThrow(/min 5 is above max 1/);
    expect(() => decodePartials(good.key, bad({ q: 'junk' }), at)).toThrow(/bad partial: q/);
    expect(() => decodePartials(good.key, bad({ q: { p: [3, 5], g: [], z: 0 } }), at)).toThrow(/q holds 5 values, n says 1/);
    expect(() => decodePartials(good.key, bad({ q: { p: [3, -1, 2], g: [], z: 0 } }), at)).toThrow(/q.p has a negative count/);
    expect(() => decodePartials(good.key, bad({ d: undefined, h: Buffer.alloc(10).toString('base64') }), at)).toThrow(/h has 10 registers/);
    expect(() => decodePartials(good.key, bad({ sec: 8 }), at)).toThrow(/key does not match/);
    expect(() => decodePartials(good.key, 'x'.repeat(PARTIAL_MESSAGE_MAX_BYTES + 1), at)).toThrow(/over 262144/);
    expect(() => decodePartials('w\u0000s', JSON.stringify({ v: 1, src: 's', wm: '-1' }), at)).toThrow(/wm must be a Kafka offset/);
    expect(() => decodePartials('i\u0000s', JSON.stringify({ v: 1, src: 's', upto: 'x' }), at)).toThrow(
      /bad intent: upto must be a Kafka offset/,
    );
    // and nothing is thrown for the good one
    expect(decodePartials(good.key, good.value, at).kind).toBe('partial');
  });
});

const NOW = 1_700_000_100_000;

function events(n: number, rng: Rng): MetricEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    metric: rng() < 0.5 ? 'orders' : 'latency',
    value: Math.round(rng() * 1000) / 10,
    ts: NOW - 5_000 + Math.floor(rng() * 5_000),
    id: `e${i}`,
    dims: { region: rng() < 0.5 ? 'eu' : 'us', user: `u${Math.floor(rng() * 50)}` },
  }));
}

describe('publishing and merging cumulative partials', () => {
  const specs = measureSpecs([
    { id: 'o', name: 'o', metric: 'orders', aggregation: 'sum', window: '5m', direction: 'higher_is_better' },
    { id: 'l', name: 'l', metric: 'latency', aggregation: 'p95', window: '5m', direction: 'lower_is_better', filter: { region: 'eu' } },
    {
      id: 'u',
      name: 'u',
      metric: 'orders',
      aggregation: 'distinct_count',
      distinctBy: 'user',
      window: '5m',
      direction: 'higher_is_better',
    },
  ] as never);

  /** What the windows saw: every delta merged per (measure, second). */
  function merged(deltas: Iterable<{ measure: string; second: number; partial: Partial } | undefined>): Map<string, Partial> {
    const out = new Map<string, Partial>();
    for (const d of deltas) {
      if (!d) continue;
      const k = `${d.measure}@${d.second}`;
      const p = out.get(k) ?? emptyPartial({ sketch: d.partial.sketch !== undefined, distinct: d.partial.values !== undefined });
      mergePartial(p, d.partial);
      out.set(k, p);
    }
    return out;
  }

  it('a re-publish replaces, a new owner continues from the published partials, and the windows see each event once', () => {
    const rng = seededRng(9);
    const all = events(3000, rng);
    const source = kafkaSource('northstar.events', 2);
    all.forEach((e, i) => tagSource(e, { source, offset: String(i) }));
    const bus: PartialsMessage[] = [];
    const publish = (acc: PartialAccumulator, s?: string) => {
      for (const m of acc.take(s)) {
        // every message crosses the wire
        const { key, value } = m.kind === 'partial' ? encodePartial(m) : encodeWatermark(m);
        bus.push(decodePartials(key, value, 'bus'));
      }
    };
    const merger = new PartialMerger(600_000);
    const deltas: ReturnType<PartialMerger['apply']>[] = [];
    const deliver = () => {
      while (bus.length > 0) deltas.push(merger.apply(bus.shift()!, NOW));
    };
    const a = new PartialAccumulator({ specs: () => specs, localSource: 'node-a', horizonMs: 900_000 });
    // owner A folds the first 1 000 in batches, publishes each; the last publish is sent twice (a retry)
    for (let i = 0; i < 1000; i += 250) {
      a.fold(all.slice(i, i + 250));
      publish(a, source);
    }
    deliver();
    // A folds 1000..1400 and publishes, then dies before committing (the committed offset is 900)
    a.fold(all.slice(1000, 1400));
    publish(a, source);
    deliver();
    // B takes the partition: re-reads from 900, continues from what A published
    const b = new PartialAccumulator({ specs: () => specs, localSource: 'node-b', horizonMs: 900_000 });
    const { partials, watermark } = merger.published(source);
    expect(watermark).toBe('1399');
    b.adopt(source, partials, watermark);
    b.fold(all.slice(900, 2000));
    publish(b, source);
    b.fold(all.slice(2000));
    publish(b, source);
    deliver();

    const direct = new PartialAccumulator({ specs: () => specs, localSource: 'x', horizonMs: 900_000 });
    direct.fold(all.map((e) => ({ ...e })));
    const expected = merged(direct.take().map((m) => (m.kind === 'partial' ? m : undefined)));
    const got = merged(deltas);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [k, p] of expected) {
      const g = got.get(k)!;
      expect([g.count, g.min, g.max, distinctCount(g)]).toEqual([p.count, p.min, p.max, distinctCount(p)]);
      expect(g.sum).toBeCloseTo(p.sum, 6);
      if (p.sketch) for (const q of [0.5, 0.95]) expect(g.sketch!.getValueAtQuantile(q)).toBeCloseTo(p.sketch.getValueAtQuantile(q), 6);
    }
    expect(measureKey({ metric: 'latency', aggregation: 'p95', filter: { region: 'eu' } })).toMatch(/latency/);
  });

  it('the topic read again from its start (a consumer rejoined without committed offsets) adds nothing', () => {
    const rng = seededRng(11);
    const all = events(2000, rng);
    const source = kafkaSource('northstar.events', 4);
    all.forEach((e, i) => tagSource(e, { source, offset: String(i) }));
    const acc = new PartialAccumulator({ specs: () => specs, localSource: 'node-a', horizonMs: 900_000 });
    const topic: PartialsMessage[] = [];
    // four publishes, each second's partial cumulative: later messages hold what earlier ones did
    for (let i = 0; i < 2000; i += 500) {
      acc.fold(all.slice(i, i + 500));
      for (const m of acc.take(source)) {
        const { key, value } = m.kind === 'partial' ? encodePartial(m) : encodeWatermark(m);
        topic.push(decodePartials(key, value, 'topic'));
      }
    }
    const merger = new PartialMerger(600_000);
    const once = topic.map((m) => merger.apply(m, NOW));
    // the whole topic again, as after a group coordinator moved (a broker stopped) and the
    // partials consumer, which commits nothing, started over from the beginning
    const again = topic.map((m) => merger.apply(m, NOW));
    expect(again.filter((d) => d !== undefined)).toEqual([]);
    const direct = new PartialAccumulator({ specs: () => specs, localSource: 'x', horizonMs: 900_000 });
    direct.fold(all.map((e) => ({ ...e })));
    const expected = merged(direct.take().map((m) => (m.kind === 'partial' ? m : undefined)));
    const got = merged([...once, ...again]);
    for (const [k, p] of expected) expect(got.get(k)?.count).toBe(p.count);
  });

  it('forgets seconds past its horizon, and an HTTP event is its instance own source', () => {
    const acc = new PartialAccumulator({ specs: () => specs, localSource: 'node-a', horizonMs: 60_000 });
    acc.fold([
      { metric: 'orders', value: 1, ts: NOW - 120_000, id: '', dims: {} },
      { metric: 'orders', value: 2, ts: NOW, id: '', dims: {} },
    ]);
    acc.prune(NOW);
    const out = acc.take() as PartialMessage[];
    expect(out.map((m) => [m.source, m.second, m.partial.count])).toEqual([['node-a', NOW / 1000, 1]]);
  });
});
