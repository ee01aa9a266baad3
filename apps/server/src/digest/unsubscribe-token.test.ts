import { describe, expect, it } from 'vitest';
import { signUnsubscribe, verifyUnsubscribe } from './unsubscribe-token.ts';

describe('unsubscribe tokens', () => {
  it('round-trip who and which objective, names with any characters', () => {
    const t = signUnsubscribe('Dana Ø. "D"', 'grow.eu', 'k1');
    expect(verifyUnsubscribe(t, 'k1')).toEqual({ person: 'Dana Ø. "D"', objective: 'grow.eu' });
  });

  it('refuse another key, a changed payload, a cut token and junk', () => {
    const t = signUnsubscribe('dana', 'grow', 'k1');
    const [payload, sig] = t.split('.');
    const forged = `${Buffer.from(JSON.stringify(['eve', 'grow'])).toString('base64url')}.${sig}`;
    expect(verifyUnsubscribe(t, 'k2')).toBeNull();
    expect(verifyUnsubscribe(forged, 'k1')).toBeNull();
    expect(verifyUnsubscribe(`${payload}.${sig?.slice(0, -2)}`, 'k1')).toBeNull();
    expect(verifyUnsubscribe('', 'k1')).toBeNull();
    expect(verifyUnsubscribe(`${t}.x`, 'k1')).toBeNull();
    expect(verifyUnsubscribe('x'.repeat(5000), 'k1')).toBeNull();
  });
});
