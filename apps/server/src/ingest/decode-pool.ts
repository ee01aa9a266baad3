import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { BodyFormat, DecodedBatch } from './decode-body.ts';
import type { DecodedValues } from './decode-kafka.ts';
import { fromColumns } from './event-columns.ts';
import type { BodyOutcome, BodyTask, KafkaTask, Wire } from './decode-worker.ts';

export interface DecodePoolOptions {
  /**
   * Worker threads; default: one fewer than the cores (the main thread keeps HTTP, WebSocket
   * and evaluation), at least one. 0: no pool, every caller decodes on its own thread.
   */
  threads?: number;
  /** Tasks waiting for a thread beyond which a caller decodes on its own thread instead of queueing more bytes. */
  maxQueue?: number;
}

/** A Kafka message's value as kafkajs hands it over. */
type Value = Buffer | Uint8Array | null;

/** Packs values back to back into one buffer of its own, so it can be moved (not copied) to the worker. */
export function packValues(values: readonly Value[]): { bytes: Uint8Array<ArrayBuffer>; lengths: Int32Array<ArrayBuffer> } {
  let total = 0;
  for (const v of values) total += v?.length ?? 0;
  // a fresh ArrayBuffer, never a slice of Node's shared pool: transferring that would detach other buffers
  const bytes = new Uint8Array(new ArrayBuffer(total));
  const lengths = new Int32Array(values.length);
  let at = 0;
  values.forEach((v, i) => {
    if (!v) {
      lengths[i] = -1;
      return;
    }
    bytes.set(v, at);
    lengths[i] = v.length;
    at += v.length;
  });
  return { bytes, lengths };
}

/**
 * Parse and validate off the main thread: a small pool of worker threads (piscina) that
 * turns raw bytes (Kafka message values, HTTP bodies) into events ready to insert and
 * rejects with their reasons, by the same pure steps the main thread would run
 * (decode-kafka.ts, decode-body.ts). The main thread keeps HTTP, WebSocket and evaluation.
 *
 * Memory stays bounded: at most `maxQueue` tasks wait for a thread; past that `full` is
 * true and the caller decodes on its own thread (slower, never refused).
 */
export class DecodePool {
  readonly #pool: Piscina | undefined;
  readonly #maxQueue: number;

  constructor(opts: DecodePoolOptions = {}) {
    const threads = opts.threads ?? Math.max(1, availableParallelism() - 1);
    this.#maxQueue = opts.maxQueue ?? 4 * threads;
    if (threads === 0) return;
    this.#pool = new Piscina({
      filename: new URL('./decode-worker.mjs', import.meta.url).href,
      minThreads: 0,
      maxThreads: threads,
      // idle threads end, so an idle server (or a test) is not held open by them
      idleTimeout: 30_000,
      // the worker registers its own loader (decode-worker.mjs); the parent's flags may name another
      execArgv: [],
    });
  }

  /** Tasks waiting for a thread are at the bound: decode on the caller's thread instead. */
  get full(): boolean {
    return !this.#pool || this.#pool.queueSize >= this.#maxQueue;
  }

  #running(): Piscina {
    if (!this.#pool) throw new Error('the decode pool has no threads; decode on the calling thread (see `full`)');
    return this.#pool;
  }

  /** One Kafka batch's values (and each message's timestamp) → events and rejects, by message index. */
  async kafka(values: readonly Value[], timestamps: readonly number[], nowMs: number): Promise<DecodedValues> {
    const { bytes, lengths } = packValues(values);
    const stamps = new Float64Array(timestamps);
    const task: KafkaTask = { bytes, lengths, timestamps: stamps, nowMs };
    const out: Wire<DecodedValues> = await this.#running().run(task, {
      name: 'kafka',
      transferList: [bytes.buffer, lengths.buffer, stamps.buffer],
    });
    const { prebuilt, ...rest } = out;
    return { ...rest, events: fromColumns(out.events, prebuilt) };
  }

  /** One request body (copied to the worker: the caller keeps its bytes for its own error reply), its events to be stored as `source`. */
  async body(
    bytes: Uint8Array,
    format: BodyFormat,
    nowMs: number,
    source = 'http',
  ): Promise<{ ok: true; batch: DecodedBatch } | { ok: false; error: string }> {
    const task: BodyTask = { bytes, format, nowMs, source };
    const out: BodyOutcome = await this.#running().run(task, { name: 'body' });
    if (!out.ok) return out;
    const { prebuilt, ...batch } = out.batch;
    return { ok: true, batch: { ...batch, events: fromColumns(batch.events, prebuilt) } };
  }

  async close(): Promise<void> {
    await this.#pool?.close();
  }
}

let shared: DecodePool | undefined;

let sharedThreads: number | undefined;

/**
 * Sets the threads of the process's decode pool (settings.decodeThreads). A pool already
 * made with another number is replaced (its tasks in flight finish first); the same
 * number, or none, keeps it: servers started one after another in a process share it.
 */
export function configureDecodePool(threads: number | undefined): void {
  if (shared && (threads === undefined || threads === sharedThreads)) return;
  const old = shared;
  shared = new DecodePool({ threads });
  sharedThreads = threads;
  void old?.close();
}

/** The process's decode pool, made on first use; its threads start on demand and end when idle. */
export function sharedDecodePool(): DecodePool {
  shared ??= new DecodePool();
  return shared;
}
