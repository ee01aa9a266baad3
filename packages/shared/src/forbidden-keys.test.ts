import { describe, expect, it } from 'vitest';
import { forbiddenKeyPath } from './forbidden-keys.ts';
import { parseEvent } from './event.ts';

describe('forbiddenKeyPath', () => {
  it('finds an own __proto__ key at any depth and names its path', () => {
    expect(forbiddenKeyPath(JSON.parse('{"kpis":[{"id":"a"},{"filter":{"__proto__":"x"}}]}'))).toBe('kpis[1].filter');
    expect(forbiddenKeyPath(JSON.parse('{"__proto__":{}}'))).toBe('(top level)');
    expect(forbiddenKeyPath({ a: { b: [1, { c: 'd' }] }, constructor: 'fine' })).toBeUndefined();
  });

  it('walks 100 000 levels without recursion', () => {
    let v: unknown = JSON.parse('{"__proto__":1}');
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(forbiddenKeyPath(v)).toMatch(/^(\[0\]){100000}$/);
  });

  it('makes parseEvent reject dims holding __proto__ instead of storing the rest', () => {
    expect(parseEvent(JSON.parse('{"metric":"m","value":1,"dims":{"__proto__":"p","a":"b"}}'), 0)).toEqual({
      ok: false,
      reason: 'dims: "__proto__" is not allowed as a dimension name',
    });
    expect(parseEvent(JSON.parse('{"metric":"m","value":1,"__proto__":{"x":1}}'), 0)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/__proto__/),
    });
  });
});
