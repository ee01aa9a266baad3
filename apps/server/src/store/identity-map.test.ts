import { describe, expect, it } from 'vitest';
import { IdentityMap } from './identity-map.ts';

describe('IdentityMap', () => {
  it('keys by metric and id together: the same id on another metric is another entry', () => {
    const m = new IdentityMap<number>();
    m.set('orders', 'a', 1);
    m.set('revenue', 'a', 2);
    m.set('orders', 'a', 3);
    expect(m.get('orders', 'a')).toBe(3);
    expect(m.get('revenue', 'a')).toBe(2);
    expect(m.get('orders', 'b')).toBeUndefined();
    expect(m.size).toBe(2);
  });

  it('a metric and id that would concatenate to the same text stay apart', () => {
    const m = new IdentityMap<number>();
    m.set('a', 'bc', 1);
    expect(m.get('ab', 'c')).toBeUndefined();
    expect(m.get('a\u0000b', 'c')).toBeUndefined();
  });

  it('counts deletes once, and only of entries it holds', () => {
    const m = new IdentityMap<number>();
    m.set('orders', 'a', 1);
    m.delete('orders', 'x');
    m.delete('other', 'a');
    expect(m.size).toBe(1);
    m.delete('orders', 'a');
    m.delete('orders', 'a');
    expect(m.size).toBe(0);
    expect(m.get('orders', 'a')).toBeUndefined();
  });
});
