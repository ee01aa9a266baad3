import type { MetricEvent } from '@northstar/shared';
import { matchSpec, type MeasureSpec } from './measure-key.ts';
import { clonePartial, emptyPartial, foldEvent, type Partial } from './partial.ts';
import { partialKey } from './codec.ts';
import type { PartialMessage, WatermarkMessage } from './codec.ts';
import { sourceOf } from './source-tag.ts';

interface Entry {
  key: string;
  measure: string;
  second: number;
  source: string;
  partial: Partial;
}

/**
 * The publishing half, pure: counted events in, cumulative partials per (measure, second,
 * source) out. Each publish of a key carries everything this source folded into that
 * second so far, so a re-publish replaces rather than adds. Entries older than the
 * horizon are forgotten; a late event for such a second starts its key afresh, and the
 * receiving side (merger.ts), which forgets sooner, then adds it as new.
 */
export class PartialAccumulator {
  readonly #specs: () => ReadonlyMap<string, readonly MeasureSpec[]>;
  readonly #localSource: string;
  readonly #horizonMs: number;
  readonly #entries = new Map<string, Entry>();
  readonly #dirty = new Set<string>();
  /** Per Kafka source: the newest offset folded, and the offset below which events were published by an earlier owner. */
  readonly #folded = new Map<string, bigint>();
  readonly #skipUpTo = new Map<string, bigint>();
  readonly #watermarkDirty = new Set<string>();

  constructor(opts: { specs: () => ReadonlyMap<string, readonly MeasureSpec[]>; localSource: string; horizonMs: number }) {
    this.#specs = opts.specs;
    this.#localSource = opts.localSource;
    this.#horizonMs = opts.horizonMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Folds counted events in, each under its source (sourceOf, or this instance's own). */
  fold(events: readonly MetricEvent[]): void {
    const specs = this.#specs();
    const recent = new Map<MeasureSpec, Entry>();
    for (const e of events) {
      const list = specs.get(e.metric);
      const tag = sourceOf(e);
      if (tag) {
        const offset = BigInt(tag.offset);
        // already in the partials an earlier owner of the partition published
        if (offset <= (this.#skipUpTo.get(tag.source) ?? -1n)) continue;
        if (offset > (this.#folded.get(tag.source) ?? -1n)) {
          this.#folded.set(tag.source, offset);
          this.#watermarkDirty.add(tag.source);
        }
      }
      if (!list) continue;
      const source = tag?.source ?? this.#localSource;
      const second = Math.floor(e.ts / 1000);
      for (const spec of list) {
        const distinct = matchSpec(spec, e.dims);
        if (distinct === undefined) continue;
        // events come mostly in time order: the spec's last entry is usually this one (no key string)
        let entry = recent.get(spec);
        if (!entry || entry.second !== second || entry.source !== source) {
          const key = partialKey(spec.key, second, source);
          entry = this.#entries.get(key);
          if (!entry) {
            entry = { key, measure: spec.key, second, source, partial: emptyPartial(spec) };
            this.#entries.set(key, entry);
          }
          this.#dirty.add(key);
          recent.set(spec, entry);
        }
        foldEvent(entry.partial, e.ts, e.value, spec.distinctBy === undefined ? undefined : distinct);
      }
    }
  }

  /**
   * A Kafka source this instance now owns: its cumulative partials start from what the
   * previous owner published (`published`, as read back from the topic), and events at or
   * below `watermark` are in them already.
   */
  adopt(source: string, published: Iterable<Omit<PartialMessage, 'kind'>>, watermark: string | undefined): void {
    this.release(source);
    for (const m of published) {
      const key = partialKey(m.measure, m.second, m.source);
      this.#entries.set(key, { key, measure: m.measure, second: m.second, source: m.source, partial: clonePartial(m.partial) });
    }
    if (watermark !== undefined) {
      this.#skipUpTo.set(source, BigInt(watermark));
      this.#folded.set(source, BigInt(watermark));
    }
  }

  /** Every event of a Kafka source up to `offset` is folded (those that count): the next take of it says so. */
  foldedUpTo(source: string, offset: string): void {
    const o = BigInt(offset);
    if (o <= (this.#folded.get(source) ?? -1n)) return;
    this.#folded.set(source, o);
    this.#watermarkDirty.add(source);
  }

  /** A source this instance no longer owns: its entries are the new owner's now. */
  release(source: string): void {
    for (const [key, e] of this.#entries) {
      if (e.source !== source) continue;
      this.#entries.delete(key);
      this.#dirty.delete(key);
    }
    this.#folded.delete(source);
    this.#skipUpTo.delete(source);
    this.#watermarkDirty.delete(source);
  }

  /** The partials changed since the last take (of `source` only, when given), then the watermark of each Kafka source among them. */
  take(source?: string): Array<PartialMessage | WatermarkMessage> {
    const out: Array<PartialMessage | WatermarkMessage> = [];
    for (const key of this.#dirty) {
      const e = this.#entries.get(key);
      if (!e || (source !== undefined && e.source !== source)) continue;
      this.#dirty.delete(key);
      out.push({ kind: 'partial', measure: e.measure, second: e.second, source: e.source, partial: e.partial });
    }
    for (const s of this.#watermarkDirty) {
      if (source !== undefined && s !== source) continue;
      this.#watermarkDirty.delete(s);
      const offset = this.#folded.get(s);
      if (offset !== undefined) out.push({ kind: 'watermark', source: s, offset: offset.toString() });
    }
    return out;
  }

  /** Messages taken whose publish failed: their keys go out again with the next take. */
  markDirty(messages: ReadonlyArray<PartialMessage | WatermarkMessage>): void {
    for (const m of messages) {
      if (m.kind === 'partial') {
        const key = partialKey(m.measure, m.second, m.source);
        if (this.#entries.has(key)) this.#dirty.add(key);
      } else if (this.#folded.has(m.source)) this.#watermarkDirty.add(m.source);
    }
  }

  /** Forgets seconds older than the horizon. */
  prune(nowMs: number): void {
    const oldest = Math.floor((nowMs - this.#horizonMs) / 1000);
    for (const [key, e] of this.#entries) {
      if (e.second >= oldest) continue;
      this.#entries.delete(key);
      this.#dirty.delete(key);
    }
  }
}
