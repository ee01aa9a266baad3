import { describe, expect, it } from 'vitest';
import { COMPACT_FROM_TILES, DENSE_FROM_TILES, densityFor } from './density.ts';

describe('densityFor', () => {
  it('packs tiles tighter as the board grows', () => {
    expect(densityFor(0)).toBe('comfortable');
    expect(densityFor(COMPACT_FROM_TILES - 1)).toBe('comfortable');
    expect(densityFor(COMPACT_FROM_TILES)).toBe('compact');
    expect(densityFor(DENSE_FROM_TILES - 1)).toBe('compact');
    expect(densityFor(DENSE_FROM_TILES)).toBe('dense');
    expect(densityFor(500)).toBe('dense');
  });

  it('packs tighter sooner while the alerts column takes part of the width', () => {
    expect(densityFor(26)).toBe('comfortable');
    expect(densityFor(26, true)).toBe('compact');
    expect(densityFor(10, true)).toBe('comfortable');
    expect(densityFor(50, true)).toBe('dense');
  });
});
