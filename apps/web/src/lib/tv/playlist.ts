import type { Board, WallKpi } from '@northstar/shared';

/** A board as TV mode shows it; the whole wall stands in when no board is saved. */
export interface TvBoard {
  id: string;
  name: string;
  /** Tiles in order; empty = every KPI. */
  kpis: readonly string[];
  rotateSeconds: number;
}

/** The stand-in board: every KPI, in the wall's order. */
export const WHOLE_WALL: TvBoard = { id: 'all', name: 'All KPIs', kpis: [], rotateSeconds: 30 };

/**
 * The boards to rotate through: the requested ids in the requested order (unknown ids are
 * skipped), or every board when none is requested; the whole wall when that leaves nothing.
 */
export function resolvePlaylist(boards: readonly Board[], requested: readonly string[]): TvBoard[] {
  const byId = new Map(boards.map((b) => [b.id, b]));
  const picked = requested.length > 0 ? requested.map((id) => byId.get(id)).filter((b): b is Board => b !== undefined) : [...boards];
  const list = picked.map((b) => ({ id: b.id, name: b.name, kpis: b.kpis, rotateSeconds: b.rotateSeconds }));
  return list.length > 0 ? list : [WHOLE_WALL];
}

/** Requested ids that name no board, to say so on screen rather than silently show less. */
export function unknownBoards(boards: readonly Board[], requested: readonly string[]): string[] {
  const known = new Set(boards.map((b) => b.id));
  return requested.filter((id) => !known.has(id));
}

/** The tiles of a board in its order; KPIs it names that do not exist (any more) are left out. */
export function boardTiles(board: TvBoard, order: readonly string[], kpis: ReadonlyMap<string, WallKpi>): WallKpi[] {
  const ids = board.kpis.length > 0 ? board.kpis : order;
  return ids.map((id) => kpis.get(id)).filter((k): k is WallKpi => k !== undefined);
}

/** How long a board stays on screen: the URL's override, else the board's own seconds. */
export function dwellMs(board: TvBoard, override: number | null): number {
  return (override ?? board.rotateSeconds) * 1_000;
}

/** The next board's index in a rotation. */
export function nextIndex(index: number, length: number): number {
  return length <= 1 ? 0 : (index + 1) % length;
}

export interface TvGrid {
  columns: number;
  rows: number;
  /** The size a tile gets, in px. */
  tileWidth: number;
  tileHeight: number;
}

/** The shape tiles read best at: a little wider than tall. */
export const TILE_ASPECT = 1.5;

/**
 * Whether `count` tiles in `columns` columns fill their rows evenly enough for a room: the
 * last row holds at least two tiles and at least half a row (7 tiles as 4 + 3, never 3 + 3 + 1).
 */
export function balanced(count: number, columns: number): boolean {
  const last = count - (Math.ceil(count / columns) - 1) * columns;
  return last === columns || (last >= 2 && last >= Math.ceil(columns / 2));
}

/**
 * Columns and rows that give `count` tiles the largest size in a `width`×`height` area without
 * scrolling: for each column count whose rows are balanced, the biggest tile of TILE_ASPECT
 * that fits its cell. The short last row, if any, is centred (see `lastRowOffset`).
 */
export function gridFor(count: number, width: number, height: number, gap = 0): TvGrid {
  const n = Math.max(1, count);
  let best: TvGrid = { columns: n, rows: 1, tileWidth: (width - gap * (n - 1)) / n, tileHeight: height };
  let bestScore = -1;
  for (let columns = 1; columns <= n; columns += 1) {
    if (!balanced(n, columns)) continue;
    const rows = Math.ceil(n / columns);
    const cellW = (width - gap * (columns - 1)) / columns;
    const cellH = (height - gap * (rows - 1)) / rows;
    // the usable height of a tile of the preferred shape in this cell
    const score = Math.min(cellW / TILE_ASPECT, cellH);
    if (score > bestScore) {
      bestScore = score;
      best = { columns, rows, tileWidth: cellW, tileHeight: cellH };
    }
  }
  return best;
}

/**
 * The grid runs on half-tile tracks (each tile spans two); the first tile of a short last row
 * starts this many tracks in, which centres the row: 0 when every row is full.
 */
export function lastRowOffset(count: number, columns: number): number {
  const last = count - (Math.ceil(count / columns) - 1) * columns;
  return columns - last;
}

/** The value's font size for a tile of this size, in px: large enough for 5 m, never wider than the tile. */
export function valueFontPx(grid: Pick<TvGrid, 'tileWidth' | 'tileHeight'>): number {
  return Math.round(Math.max(24, Math.min(grid.tileHeight * 0.3, grid.tileWidth * 0.16, 200)));
}

/** The smallest tile that holds a name, a status, a value, its target and its freshness at 28 px text. */
export const MIN_TILE = { width: 330, height: 290 } as const;

/**
 * How many pages a board of `count` tiles needs so each tile is at least MIN_TILE in a
 * `width`×`height` area, and how many tiles each page shows (balanced: 15 on two pages is 8 + 7).
 */
export function tvPages(count: number, width: number, height: number, gap = 0): { pages: number; perPage: number } {
  const n = Math.max(1, count);
  for (let pages = 1; pages <= n; pages += 1) {
    const perPage = Math.ceil(n / pages);
    const g = gridFor(perPage, width, height, gap);
    if (g.tileWidth >= MIN_TILE.width && g.tileHeight >= MIN_TILE.height) return { pages, perPage };
  }
  return { pages: n, perPage: 1 };
}

/** The tiles of page `page` (0-based) when `tiles` are split into pages of `perPage`. */
export function pageOf<T>(tiles: readonly T[], perPage: number, page: number): T[] {
  const pages = Math.max(1, Math.ceil(tiles.length / perPage));
  const p = ((page % pages) + pages) % pages;
  return tiles.slice(p * perPage, p * perPage + perPage);
}
