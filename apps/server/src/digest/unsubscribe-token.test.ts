import { describe, expect, it } from 'vitest';
import { signChart, signUnsubscribe, verifyChart, verifyUnsubscribe } from './unsubscribe-token.ts';

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

describe('chart tokens', () => {
  const ref = { kpi: 'orders', fromMs: 1, toMs: 2, stepMs: 3, expiresMs: 1000 };

  it('round-trip until they expire', () => {
    const t = signChart(ref, 'k1');
    expect(verifyChart(t, 'k1', 1000)).toEqual(ref);
    expect(verifyChart(t, 'k1', 1001)).toBeNull();
    expect(verifyChart(t, 'k2', 0)).toBeNull();
  });

  it('are not unsubscribe tokens, nor the other way round', () => {
    expect(verifyUnsubscribe(signChart(ref, 'k1'), 'k1')).toBeNull();
    expect(verifyChart(signUnsubscribe('dana', 'grow', 'k1'), 'k1', 0)).toBeNull();
  });
});
