import type { Message } from 'kafkajs';

/**
 * The dead-letter queue's side of a Kafka batch: every reject goes to the DLQ topic with
 * its reason and origin. Three rules keep it from ever holding the stream:
 *
 * - Size: a produce of many rejects is split into sends of at most SEND_MAX_BYTES, and a
 *   reject bigger than RECORD_MAX_BYTES goes as a bounded copy (its first COPY_BYTES, with
 *   headers naming its size and that it is cut); the whole of it is kept in rejected_events.
 *   A broker that still says "too large" (a topic with a smaller max.message.bytes) gets
 *   smaller copies on the next try.
 * - Idempotence: each send is remembered once it landed, so a retry sends only what did
 *   not (a half-successful produce is not repeated), and the producer is idempotent, so
 *   its own retries of one send are not written twice either.
 * - Bounded retries: after MAX_ATTEMPTS (one while the DLQ is already failing) the
 *   rejects left are handed back; the caller keeps them in the store, and the DLQ is
 *   reported degraded until a send succeeds again.
 */

export const DLQ_REASON_HEADER = 'northstar-reason';
export const DLQ_ORIGIN_HEADER = 'northstar-origin';
/** The original value's size in bytes, on every DLQ message. */
export const DLQ_SIZE_HEADER = 'northstar-size';
/** "true" when the value is only the first bytes of the original (the whole is in rejected_events). */
export const DLQ_TRUNCATED_HEADER = 'northstar-truncated';

/** Below the broker's default message.max.bytes (1 MiB) with room for key and headers. */
export const RECORD_MAX_BYTES = 512 * 1024;
/** What an oversized reject's copy keeps: enough to see what the producer sent. */
export const COPY_BYTES = 64 * 1024;
/** One produce call's payload: the broker limits a partition's record batch to 1 MiB by default. */
export const SEND_MAX_BYTES = 768 * 1024;
const KEY_MAX_BYTES = 1024;
const MAX_ATTEMPTS = 5;
const RETRY_FIRST_MS = 200;
const RETRY_MAX_MS = 3_000;

export interface DeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  reason: string;
  /** topic/partition@offset */
  origin: string;
}

export interface DlqSender {
  send(messages: Message[]): Promise<unknown>;
}

export interface DlqOutcome<T extends DeadLetter> {
  /** Rejects that are on the DLQ: whole, or as a bounded copy (`cut`). */
  sent: Array<{ reject: T; cut: boolean }>;
  /** Rejects the DLQ did not take within the bounded retries, with the last error. */
  failed: Array<{ reject: T; error: string }>;
}

/** The DLQ message for `r`, its value cut to `copyBytes` when key and value exceed `maxBytes`. */
export function dlqMessage(
  r: DeadLetter,
  maxBytes = RECORD_MAX_BYTES,
  copyBytes = COPY_BYTES,
): { message: Message; bytes: number; cut: boolean } {
  const size = r.value?.length ?? 0;
  const key = r.key && r.key.length > KEY_MAX_BYTES ? r.key.subarray(0, KEY_MAX_BYTES) : r.key;
  const cut = size + (key?.length ?? 0) > maxBytes;
  const value = cut && r.value ? r.value.subarray(0, Math.min(copyBytes, maxBytes)) : r.value;
  const headers: Record<string, string> = {
    [DLQ_REASON_HEADER]: r.reason.slice(0, 1000),
    [DLQ_ORIGIN_HEADER]: r.origin,
    [DLQ_SIZE_HEADER]: String(size),
  };
  if (cut) headers[DLQ_TRUNCATED_HEADER] = 'true';
  const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + Buffer.byteLength(v), 0);
  return { message: { key, value, headers }, bytes: (value?.length ?? 0) + (key?.length ?? 0) + headerBytes + 64, cut };
}

/** Consecutive runs of messages of at most `maxBytes` together (a single bigger one alone). */
export function chunkBySize<T extends { bytes: number }>(items: readonly T[], maxBytes = SEND_MAX_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && bytes + item.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const tooLarge = (err: unknown) =>
  /too large|MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE/i.test(
    `${(err as Error)?.name} ${(err as Error)?.message} ${(err as { type?: string })?.type}`,
  );

export interface DeadLetterQueueOptions {
  sender: DlqSender;
  /** Called between tries; false stops retrying (the batch is no longer ours). */
  live: () => boolean;
  /** Keeps the consumer's group membership while waiting. */
  heartbeat: () => Promise<void>;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (attempt: number, err: Error) => void;
}

export class DeadLetterQueue {
  #failing = false;
  #lastError = '';

  /** True from a send that gave up until one succeeds: /readyz says degraded meanwhile. */
  get degraded(): boolean {
    return this.#failing;
  }

  get lastError(): string {
    return this.#lastError;
  }

  /**
   * Sends `rejects`, split by size, each part once. Resolves with what landed and what did
   * not; never throws. Returns `undefined` when `live()` turned false (stopping, rebalanced):
   * the batch is read again by whoever owns it next.
   */
  async send<T extends DeadLetter>(rejects: readonly T[], opts: DeadLetterQueueOptions): Promise<DlqOutcome<T> | undefined> {
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const outcome: DlqOutcome<T> = { sent: [], failed: [] };
    let maxBytes = RECORD_MAX_BYTES;
    let copyBytes = COPY_BYTES;
    let pending = [...rejects];
    const attempts = this.#failing ? 1 : MAX_ATTEMPTS;
    let delay = RETRY_FIRST_MS;
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
      const built = pending.map((reject) => ({ reject, ...dlqMessage(reject, maxBytes, copyBytes) }));
      const left: T[] = [];
      for (const chunk of chunkBySize(built)) {
        if (lastError && left.length > 0) {
          // a later part after a failed one this round: keep order simple, try it next round
          left.push(...chunk.map((c) => c.reject));
          continue;
        }
        try {
          await opts.sender.send(chunk.map((c) => c.message));
          for (const c of chunk) outcome.sent.push({ reject: c.reject, cut: c.cut });
        } catch (err) {
          lastError = err as Error;
          left.push(...chunk.map((c) => c.reject));
          if (tooLarge(err)) {
            // the topic takes less than the default: smaller copies next time
            maxBytes = Math.max(1024, Math.floor(maxBytes / 8));
            copyBytes = Math.max(256, Math.floor(copyBytes / 8));
          }
        }
      }
      pending = left;
      if (pending.length === 0) break;
      opts.onRetry?.(attempt, lastError!);
      if (attempt === attempts) break;
      if (!opts.live()) return undefined;
      await sleep(delay);
      if (!opts.live()) return undefined;
      await opts.heartbeat();
      delay = Math.min(delay * 2, RETRY_MAX_MS);
      lastError = undefined;
    }
    if (pending.length > 0) {
      this.#failing = true;
      this.#lastError = lastError?.message ?? 'unknown error';
      for (const reject of pending) outcome.failed.push({ reject, error: this.#lastError });
    } else if (rejects.length > 0) {
      this.#failing = false;
      this.#lastError = '';
    }
    return outcome;
  }
}
