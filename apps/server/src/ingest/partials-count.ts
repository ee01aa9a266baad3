import type { KpiDefinition, MetricEvent } from '@northstar/shared';
import type { Logger } from 'pino';
import type { CountSink } from '../evaluate/count-ledger.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import { PartialAccumulator } from '../partials/accumulator.ts';
import { encodeIntent, encodePartial, encodeWatermark, type PartialsMessage } from '../partials/codec.ts';
import { sourceOf } from '../partials/source-tag.ts';
import { measureSpecs, type MeasureSpec } from '../partials/measure-key.ts';
import { PartialMerger } from '../partials/merger.ts';

/**
 * How long the latest partial of every (measure, second, source) is kept by the receiving
 * side: a re-publish within it replaces, and a rebuilt window takes these seconds from it.
 */
export const RECEIVE_HORIZON_MS = 10 * 60_000;
/** A rebuilt window reads the store up to this long ago and takes the rest from partials; less than the horizon, so a slow rebuild finds them still kept. */
export const PARTIALS_SPAN_MS = 9 * 60_000;
/** The publishing side keeps its cumulative partials longer than the receivers (accumulator.ts says why). */
const PUBLISH_HORIZON_MS = 12 * 60_000;
/** HTTP and imported events are published this often (Kafka batches when their batch is stored). */
const LOCAL_FLUSH_MS = 100;
const PRUNE_EVERY_MS = 5_000;

/** Where published partials go: the compacted topic (kafka-partials.ts). */
export interface PartialsPublisher {
  publish(messages: Array<{ source: string; key: string; value: string }>): Promise<void>;
}

type Evaluator = Pick<
  KpiEvaluator,
  'definitions' | 'definition' | 'kpisReading' | 'upsert' | 'activate' | 'mergePartials' | 'replayPartials'
>;

/**
 * The wall's count when instances share the stream (issue 17): the count ledger's sink.
 * Counted events are folded into cumulative partials per (measure, second, source) and
 * published; every instance, this one included, merges what the topic carries into its
 * windows. One path for every event, whichever instance took it. A window rebuilt from the
 * store reads it up to PARTIALS_SPAN_MS ago and takes the seconds since from the kept
 * partials, so nothing is counted by both.
 */
export class PartialsCount implements CountSink {
  readonly #evaluator: Evaluator;
  readonly #log: Logger;
  readonly localSource: string;
  readonly #acc: PartialAccumulator;
  readonly #merger = new PartialMerger(RECEIVE_HORIZON_MS);
  #specs: Map<string, MeasureSpec[]> | undefined;
  #publisher: PartialsPublisher | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #localFlush: Promise<void> = Promise.resolve();
  readonly #pruneTimer: NodeJS.Timeout;

  constructor(opts: { evaluator: Evaluator; localSource: string; log: Logger }) {
    this.#evaluator = opts.evaluator;
    this.#log = opts.log;
    this.localSource = opts.localSource;
    this.#acc = new PartialAccumulator({
      specs: () => (this.#specs ??= measureSpecs(this.#evaluator.definitions)),
      localSource: opts.localSource,
      horizonMs: PUBLISH_HORIZON_MS,
    });
    this.#pruneTimer = setInterval(() => {
      const now = Date.now();
      this.#acc.prune(now);
      this.#merger.prune(now);
      // a removed KPI's measures are dropped here (removal does not pass through the sink)
      this.#specs = undefined;
    }, PRUNE_EVERY_MS);
    this.#pruneTimer.unref();
  }

  /** Whether the count ledger counted an event (set once the ledger exists: live-count.ts). */
  #counted: (e: MetricEvent) => boolean = () => true;

  countedBy(counted: (e: MetricEvent) => boolean): void {
    this.#counted = counted;
  }

  connect(publisher: PartialsPublisher): void {
    this.#publisher = publisher;
  }

  /** Where every window starts taking partials, for a window made now. */
  static partialsFrom(nowMs: number): number {
    return Math.floor((nowMs - PARTIALS_SPAN_MS) / 1000) * 1000;
  }

  // --- CountSink: what the ledger says counts

  observe(events: readonly MetricEvent[]): void {
    this.#acc.fold(events);
    this.#flushLocalSoon();
  }

  upsert(def: KpiDefinition, opts: { live: boolean }): void {
    this.#evaluator.upsert(def, { live: opts.live, partialsFrom: PartialsCount.partialsFrom(Date.now()) });
    this.#specs = undefined;
  }

  /** The held events were folded when counted: the window takes the kept partials instead. */
  activate(kpiId: string, _events: readonly MetricEvent[]): void {
    this.#evaluator.activate(kpiId, []);
    this.#evaluator.replayPartials(kpiId, this.#merger.since(Math.floor((Date.now() - RECEIVE_HORIZON_MS) / 1000)));
  }

  kpisReading(metrics: ReadonlySet<string>): string[] {
    return this.#evaluator.kpisReading(metrics);
  }

  definition(id: string): KpiDefinition | undefined {
    return this.#evaluator.definition(id);
  }

  // --- the topic's side

  /** Messages read from the topic, in order: what they add goes to the windows. */
  receive(messages: readonly PartialsMessage[]): void {
    const now = Date.now();
    const deltas = [];
    for (const m of messages) {
      const d = this.#merger.apply(m, now);
      if (d) deltas.push(d);
    }
    if (deltas.length > 0) this.#evaluator.mergePartials(deltas);
  }

  /**
   * A Kafka source this instance now owns: continue from what its previous owner published
   * (call once the topic is read to its end). Returns the offsets whose events the previous
   * owner may have stored without publishing them (after its watermark, up to its intent).
   */
  adopt(source: string): { after: bigint; upTo: bigint } | undefined {
    const { partials, watermark, intent } = this.#merger.published(source);
    this.#acc.adopt(source, partials, watermark);
    this.#log.info({ source, partials: partials.length, watermark, intent }, 'took over the partials of a partition');
    const after = BigInt(watermark ?? -1);
    return intent !== undefined && BigInt(intent) > after ? { after, upTo: BigInt(intent) } : undefined;
  }

  /** The owner is about to store a source's events up to `lastOffset` (an intent: codec.ts). */
  async announce(source: string, lastOffset: string): Promise<void> {
    if (!this.#publisher) throw new Error('partials have nowhere to go yet');
    await this.#publisher.publish([{ source, ...encodeIntent({ source, offset: lastOffset }) }]);
  }

  /**
   * Events of a recovered range (see adopt) that did not count here because the store had
   * them already: the previous owner stored them and died before publishing their partials.
   */
  recover(events: readonly MetricEvent[], range: { after: bigint; upTo: bigint }): number {
    const counted = this.#counted;
    const lost = events.filter((e) => {
      const tag = sourceOf(e);
      if (!tag || counted(e)) return false;
      const offset = BigInt(tag.offset);
      return offset > range.after && offset <= range.upTo;
    });
    this.#acc.fold(lost);
    return lost.length;
  }

  release(source: string): void {
    this.#acc.release(source);
  }

  /** Publishes a Kafka source's changed partials and its watermark (everything up to `lastOffset` is in them); resolves once the topic has them. */
  async publishSource(source: string, lastOffset: string): Promise<void> {
    this.#acc.foldedUpTo(source, lastOffset);
    await this.#send(this.#acc.take(source));
  }

  #flushLocalSoon(): void {
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = undefined;
      this.#localFlush = this.#localFlush.then(() => this.#flushLocal());
    }, LOCAL_FLUSH_MS);
    this.#flushTimer.unref();
  }

  async #flushLocal(): Promise<void> {
    const messages = this.#acc.take(this.localSource);
    try {
      await this.#send(messages);
    } catch (err) {
      // the cumulative values are kept: the next publish of each key carries these events too
      this.#log.warn({ err: (err as Error).message, partials: messages.length }, 'could not publish partials; retrying with the next ones');
      this.#acc.markDirty(messages);
      this.#flushLocalSoon();
    }
  }

  /** Publishes what is pending for this instance's own events and waits for it (shutdown). */
  async flushLocal(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    await this.#localFlush;
    await this.#flushLocal();
  }

  async #send(messages: readonly PartialsMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (!this.#publisher) throw new Error('partials have nowhere to go yet');
    const out = [];
    for (const m of messages) {
      try {
        out.push({ source: m.source, ...(m.kind === 'partial' ? encodePartial(m) : encodeWatermark(m)) });
      } catch (err) {
        // a partial over the message limit cannot be sent, now or later: say so, keep the rest going
        this.#log.error(
          { err: (err as Error).message, source: m.source },
          'a partial is too large to publish; its events are in the store only',
        );
      }
    }
    await this.#publisher.publish(out);
  }

  close(): void {
    clearInterval(this.#pruneTimer);
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
  }
}
