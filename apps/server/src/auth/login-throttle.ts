/**
 * Sign-in throttling by failures, on two keys at once: the user name (whatever address the
 * guesses come from) and the client address (whatever names it tries). Each key forgives
 * failures at `freePerMinute`; past that many outstanding, the next attempt must wait a
 * delay that doubles with each further failure, up to `maxDelayMs`. A backoff, not a
 * lock-out wall: the right password gets in once the wait is over, and a success clears
 * the user's key. Keys are bounded (least recently used go first).
 */
export interface LoginThrottleOptions {
  freePerMinute: number;
  maxDelayMs?: number;
  maxKeys?: number;
}

export type LoginVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; why: 'user' | 'address' };

interface Failures {
  /** Outstanding failures after the leak up to `at`. */
  level: number;
  at: number;
}

const DEFAULT_MAX_DELAY_MS = 5 * 60_000;
const DEFAULT_MAX_KEYS = 50_000;

export class LoginThrottle {
  readonly #keys = new Map<string, Failures>();
  readonly #free: number;
  readonly #leakPerMs: number;
  readonly #maxDelayMs: number;
  readonly #maxKeys: number;

  constructor(opts: LoginThrottleOptions) {
    if (!(opts.freePerMinute >= 1)) throw new Error('a login throttle needs freePerMinute >= 1');
    this.#free = opts.freePerMinute;
    this.#leakPerMs = opts.freePerMinute / 60_000;
    this.#maxDelayMs = opts.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.#maxKeys = opts.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  #level(key: string, now: number): Failures | undefined {
    const f = this.#keys.get(key);
    if (!f) return undefined;
    const level = Math.max(0, f.level - (now - f.at) * this.#leakPerMs);
    return { level, at: f.at };
  }

  /** Milliseconds `key` must still wait before another attempt. */
  #wait(key: string, now: number): number {
    const f = this.#level(key, now);
    if (!f || f.level < this.#free) return 0;
    const delay = Math.min(this.#maxDelayMs, 1000 * 2 ** Math.min(30, Math.ceil(f.level - this.#free)));
    return Math.max(0, f.at + delay - now);
  }

  check(user: string, address: string, now: number): LoginVerdict {
    const byUser = this.#wait(`u:${user.toLowerCase()}`, now);
    const byAddress = this.#wait(`a:${address}`, now);
    const wait = Math.max(byUser, byAddress);
    if (wait === 0) return { ok: true };
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), why: byUser >= byAddress ? 'user' : 'address' };
  }

  failed(user: string, address: string, now: number): void {
    for (const key of [`u:${user.toLowerCase()}`, `a:${address}`]) {
      const f = this.#level(key, now);
      this.#keys.delete(key);
      this.#keys.set(key, { level: (f?.level ?? 0) + 1, at: now });
      if (this.#keys.size > this.#maxKeys) this.#keys.delete(this.#keys.keys().next().value as string);
    }
  }

  /** The right password: the user's failures are forgiven; the address's stay (it may be guessing other names). */
  succeeded(user: string): void {
    this.#keys.delete(`u:${user.toLowerCase()}`);
  }
}
