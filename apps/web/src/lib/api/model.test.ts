import { describe, expect, it } from 'vitest';
import { mergePatch, modelPath, splitVersioned } from './model.ts';

describe('mergePatch', () => {
  it('merges objects, replaces values and arrays, removes keys set to null', () => {
    const def = { id: 'k', unit: 'ms', ratio: { numerator: { metric: 'a' }, scale: 1 }, tags: ['x'] };
    expect(mergePatch(def, { unit: null, owner: 'ana', ratio: { scale: 100 }, tags: ['y'] })).toEqual({
      id: 'k',
      owner: 'ana',
      ratio: { numerator: { metric: 'a' }, scale: 100 },
      tags: ['y'],
    });
    expect(def.unit).toBe('ms');
  });
});

describe('splitVersioned', () => {
  it('drops what the API adds and keeps the version apart', () => {
    expect(splitVersioned({ id: 'k', name: 'K', version: 4, state: {}, spark: [] })).toEqual({
      definition: { id: 'k', name: 'K' },
      version: 4,
    });
  });
});

describe('modelPath', () => {
  it('encodes ids', () => {
    expect(modelPath('kpi')).toBe('/api/v1/kpis');
    expect(modelPath('objective', 'a b')).toBe('/api/v1/objectives/a%20b');
  });
});
