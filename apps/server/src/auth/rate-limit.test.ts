import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.ts';

describe('TokenBuckets', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const b = new TokenBuckets({ perSecond: 0.5, burst: 3 });
    for (let i = 0; i < 3; i++) expect(b.take('k', 0)).toEqual({ ok: true });
    expect(b.take('k', 0)).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(b.take('other', 0)).toEqual({ ok: true });
    expect(b.take('k', 2000)).toEqual({ ok: true });
    expect(b.take('k', 2000)).toMatchObject({ ok: false });
  });

  it('keeps at most maxKeys buckets, dropping the least recently used', () => {
    const b = new TokenBuckets({ perSecond: 0.001, burst: 1, maxKeys: 2 });
    expect(b.take('a', 0).ok).toBe(true);
    expect(b.take('b', 0).ok).toBe(true);
    expect(b.take('c', 0).ok).toBe(true); // evicts a
    expect(b.take('a', 0).ok).toBe(true); // a fresh bucket again
    expect(b.take('c', 0).ok).toBe(false);
  });

  it('reset forgets a key', () => {
    const b = new TokenBuckets({ perSecond: 0.001, burst: 1 });
    b.take('k', 0);
    expect(b.take('k', 0).ok).toBe(false);
    b.reset('k');
    expect(b.take('k', 0).ok).toBe(true);
  });
});
