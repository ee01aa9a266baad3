/** How tightly tiles are packed, so a board fits a 1920×1080 screen as it grows. */
export type Density = 'comfortable' | 'compact' | 'dense';

/**
 * Up to ~30 tiles (five objectives of six KPIs) fit at full size; beyond that tiles
 * shrink rather than push the board below the fold, where a TV never scrolls.
 */
export const COMPACT_FROM_TILES = 31;
export const DENSE_FROM_TILES = 61;

export function densityFor(tileCount: number): Density {
  if (tileCount >= DENSE_FROM_TILES) return 'dense';
  if (tileCount >= COMPACT_FROM_TILES) return 'compact';
  return 'comfortable';
}
