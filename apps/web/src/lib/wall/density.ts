/** How tightly tiles are packed, so a board fits a 1920×1080 screen as it grows. */
export type Density = 'comfortable' | 'compact' | 'dense';

/**
 * Up to ~30 tiles (five objectives of six KPIs) fit at full size; beyond that tiles
 * shrink rather than push the board below the fold, where a TV never scrolls.
 */
export const COMPACT_FROM_TILES = 31;
export const DENSE_FROM_TILES = 61;

/** The alerts column takes about a fifth of the width: the board packs as if it held this many more tiles. */
export const SIDE_PANEL_FACTOR = 1.25;

export function densityFor(tileCount: number, sidePanel = false): Density {
  const n = sidePanel ? Math.ceil(tileCount * SIDE_PANEL_FACTOR) : tileCount;
  if (n >= DENSE_FROM_TILES) return 'dense';
  if (n >= COMPACT_FROM_TILES) return 'compact';
  return 'comfortable';
}
