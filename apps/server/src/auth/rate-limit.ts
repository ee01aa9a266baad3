/**
 * Token buckets by key (a token id, an IP and user name): each holds up to `burst`
 * tokens and refills at `perSecond`. A request takes one; an empty bucket says how long
 * until the next, for Retry-After. Buckets are kept for at most `maxKeys` keys, the least
 * recently used going first, so a flood of new keys cannot grow memory.
 */
export interface BucketOptions {
  perSecond: number;
  burst: number;
  maxKeys?: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_MAX_KEYS = 50_000;

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #opts: Required<BucketOptions>;

  constructor(opts: BucketOptions) {
    if (!(opts.perSecond > 0) || !(opts.burst >= 1)) throw new Error('a token bucket needs perSecond > 0 and burst >= 1');
    this.#opts = { maxKeys: DEFAULT_MAX_KEYS, ...opts };
  }

  take(key: string, nowMs: number): Take {
    const { perSecond, burst, maxKeys } = this.#opts;
    const prev = this.#buckets.get(key);
    const tokens = prev ? Math.min(burst, prev.tokens + ((nowMs - prev.at) / 1000) * perSecond) : burst;
    // re-inserting moves the key to the young end of the map's order
    this.#buckets.delete(key);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: nowMs });
      if (this.#buckets.size > maxKeys) this.#buckets.delete(this.#buckets.keys().next().value as string);
      return { ok: true };
    }
    this.#buckets.set(key, { tokens, at: nowMs });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
  }

  /** Forgets a key, e.g. after a successful login. */
  reset(key: string): void {
    this.#buckets.delete(key);
  }
}
