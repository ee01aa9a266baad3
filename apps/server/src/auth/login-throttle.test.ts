import { describe, expect, it } from 'vitest';
import { ClientAddress } from './client-address.ts';
import { LoginThrottle } from './login-throttle.ts';

describe('LoginThrottle', () => {
  it('slows one user guessed from many addresses (200 guesses from 20 addresses)', () => {
    const t = new LoginThrottle({ freePerMinute: 10 });
    let tried = 0;
    for (let i = 0; i < 200; i++) {
      const address = `10.0.0.${i % 20}`;
      if (!t.check('victim', address, 0).ok) continue;
      tried++;
      t.failed('victim', address, 0);
    }
    expect(tried).toBe(10);
    expect(t.check('victim', '10.9.9.9', 0)).toEqual({ ok: false, retryAfterSeconds: 1, why: 'user' });
  });

  it('slows one address guessing many users (60 users once each)', () => {
    const t = new LoginThrottle({ freePerMinute: 10 });
    const verdicts = Array.from({ length: 60 }, (_, i) => {
      const v = t.check(`user-${i}`, '10.0.0.1', 0);
      if (v.ok) t.failed(`user-${i}`, '10.0.0.1', 0);
      return v.ok;
    });
    expect(verdicts.filter(Boolean)).toHaveLength(10);
    expect(t.check('someone-new', '10.0.0.1', 0)).toMatchObject({ ok: false, why: 'address' });
    expect(t.check('someone-new', '10.0.0.2', 0).ok).toBe(true);
  });

  it('backs off, doubling, instead of a wall: the right password gets in after the wait, and clears the user', () => {
    const t = new LoginThrottle({ freePerMinute: 10, maxDelayMs: 60_000 });
    let now = 0;
    for (let i = 0; i < 10; i++) t.failed('alice', `10.0.0.${i}`, now);
    expect(t.check('alice', '10.1.1.1', now)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(t.check('alice', '10.1.1.1', now).ok).toBe(true);
    t.failed('alice', '10.1.1.1', now);
    expect(t.check('alice', '10.1.1.2', now)).toMatchObject({ ok: false, retryAfterSeconds: 2 });
    now += 2000;
    expect(t.check('alice', '10.1.1.2', now).ok).toBe(true);
    t.succeeded('alice');
    expect(t.check('alice', '10.1.1.3', now).ok).toBe(true);
  });

  it('forgives failures over time and caps the delay', () => {
    const t = new LoginThrottle({ freePerMinute: 10, maxDelayMs: 30_000 });
    for (let i = 0; i < 40; i++) t.failed('bob', '10.0.0.1', 0);
    expect(t.check('bob', '10.0.0.9', 0)).toMatchObject({ ok: false, retryAfterSeconds: 30 });
    expect(t.check('bob', '10.0.0.9', 5 * 60_000).ok).toBe(true);
  });
});

describe('ClientAddress', () => {
  it('ignores X-Forwarded-For unless the peer is a trusted proxy', () => {
    expect(new ClientAddress([]).resolve('127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
    const behind = new ClientAddress(['10.0.0.0/8', '::1']);
    expect(behind.resolve('10.1.2.3', '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
    expect(behind.resolve('::ffff:10.1.2.3', '203.0.113.9, 10.0.0.7')).toBe('203.0.113.9');
    expect(behind.resolve('192.0.2.1', '203.0.113.9')).toBe('192.0.2.1');
    expect(behind.resolve('::1', 'junk, 203.0.113.5')).toBe('203.0.113.5');
  });
});
