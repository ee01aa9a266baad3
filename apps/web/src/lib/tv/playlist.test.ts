import type { Board, WallKpi } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import {
  WHOLE_WALL,
  balanced,
  boardTiles,
  dwellMs,
  gridFor,
  lastRowOffset,
  pageOf,
  tvPages,
  nextIndex,
  resolvePlaylist,
  unknownBoards,
  valueFontPx,
} from './playlist.ts';

const board = (id: string, kpis: string[] = [], rotateSeconds = 30): Board => ({ id, name: `Board ${id}`, kpis, rotateSeconds });
const kpi = (id: string): WallKpi => ({ definition: { id } as WallKpi['definition'], state: {} as WallKpi['state'], spark: [] });

describe('resolvePlaylist', () => {
  const boards = [board('b1', ['a']), board('b2', ['b']), board('b3')];

  it('keeps the requested order and skips unknown ids', () => {
    expect(resolvePlaylist(boards, ['b2', 'nope', 'b1']).map((b) => b.id)).toEqual(['b2', 'b1']);
    expect(unknownBoards(boards, ['b2', 'nope'])).toEqual(['nope']);
  });

  it('plays every board when none is requested, the whole wall when there are none', () => {
    expect(resolvePlaylist(boards, []).map((b) => b.id)).toEqual(['b1', 'b2', 'b3']);
    expect(resolvePlaylist([], [])).toEqual([WHOLE_WALL]);
    expect(resolvePlaylist(boards, ['nope'])).toEqual([WHOLE_WALL]);
  });
});

describe('boardTiles', () => {
  const kpis = new Map(['a', 'b', 'c'].map((id) => [id, kpi(id)]));
  it('follows the board order and leaves out missing KPIs', () => {
    expect(boardTiles({ ...WHOLE_WALL, kpis: ['c', 'x', 'a'] }, ['a', 'b', 'c'], kpis).map((k) => k.definition.id)).toEqual(['c', 'a']);
  });
  it('shows every KPI in wall order for an empty board', () => {
    expect(boardTiles(WHOLE_WALL, ['b', 'a', 'c'], kpis).map((k) => k.definition.id)).toEqual(['b', 'a', 'c']);
  });
});

describe('rotation', () => {
  it('dwells for the board seconds unless overridden', () => {
    expect(dwellMs({ ...WHOLE_WALL, rotateSeconds: 5 }, null)).toBe(5_000);
    expect(dwellMs({ ...WHOLE_WALL, rotateSeconds: 5 }, 12)).toBe(12_000);
  });
  it('wraps around and stays put on a single board', () => {
    expect(nextIndex(0, 2)).toBe(1);
    expect(nextIndex(1, 2)).toBe(0);
    expect(nextIndex(0, 1)).toBe(0);
    expect(nextIndex(3, 0)).toBe(0);
  });
});

describe('gridFor', () => {
  it('fits every tile into 1920×1080', () => {
    for (const n of [1, 2, 3, 4, 6, 7, 12, 20, 30, 45]) {
      const g = gridFor(n, 1920, 1000, 16);
      expect(g.columns * g.rows).toBeGreaterThanOrEqual(n);
      expect(g.columns * g.tileWidth + (g.columns - 1) * 16).toBeLessThanOrEqual(1920.001);
      expect(g.rows * g.tileHeight + (g.rows - 1) * 16).toBeLessThanOrEqual(1000.001);
    }
  });
  it('lays tiles out in a landscape grid', () => {
    expect(gridFor(4, 1920, 1000)).toMatchObject({ columns: 2, rows: 2 });
    expect(gridFor(6, 1920, 1000)).toMatchObject({ columns: 3, rows: 2 });
    expect(gridFor(1, 1920, 1000)).toMatchObject({ columns: 1, rows: 1 });
  });
  it('never leaves a tile alone on a row: every count fills its last row at least half', () => {
    for (let n = 2; n <= 60; n += 1) {
      for (const [w, h] of [
        [1920, 1000],
        [1366, 700],
      ] as const) {
        const g = gridFor(n, w, h, 12);
        const last = n - (g.rows - 1) * g.columns;
        expect({ n, w, last: last >= 2 && last * 2 >= g.columns }).toEqual({ n, w, last: true });
      }
    }
    expect(gridFor(7, 1920, 1000, 12)).toMatchObject({ columns: 4, rows: 2 });
    expect(balanced(7, 3)).toBe(false);
    expect(balanced(5, 3)).toBe(true);
    // the short row is centred on half-tile tracks: 4 + 3 starts the 3 half a tile in
    expect(lastRowOffset(7, 4)).toBe(1);
    expect(lastRowOffset(8, 4)).toBe(0);
  });
  it('makes values large on a few tiles and still fitting on many', () => {
    expect(valueFontPx(gridFor(4, 1920, 1000))).toBeGreaterThanOrEqual(96);
    const many = gridFor(40, 1920, 1000);
    expect(valueFontPx(many)).toBeLessThanOrEqual(many.tileWidth * 0.16 + 1);
  });
});

describe('tvPages', () => {
  it('keeps every tile big enough for a room, splitting a long board into balanced pages', () => {
    expect(tvPages(7, 1880, 960, 20)).toEqual({ pages: 1, perPage: 7 });
    const many = tvPages(15, 1340, 640, 20);
    expect(many.pages).toBeGreaterThan(1);
    const g = gridFor(many.perPage, 1340, 640, 20);
    expect(g.tileHeight).toBeGreaterThanOrEqual(290);
    expect(g.tileWidth).toBeGreaterThanOrEqual(330);
    expect(pageOf([1, 2, 3, 4, 5], 3, 0)).toEqual([1, 2, 3]);
    expect(pageOf([1, 2, 3, 4, 5], 3, 1)).toEqual([4, 5]);
    expect(pageOf([1, 2, 3, 4, 5], 3, 2)).toEqual([1, 2, 3]);
  });
});
