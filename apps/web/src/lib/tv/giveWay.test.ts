import { describe, expect, it } from 'vitest';
import { GIVE_WAY_ORDER, linesToHide, type GiveWayLine } from './giveWay.ts';

/** A tile whose lines are `heights` tall in a cell `room` tall: it overflows while the shown lines are taller. */
function tile(room: number, heights: Record<GiveWayLine | 'rest', number>) {
  return (hidden: readonly GiveWayLine[]) =>
    Object.entries(heights).reduce((sum, [line, h]) => sum + (hidden.includes(line as GiveWayLine) ? 0 : h), 0) > room;
}

describe('linesToHide', () => {
  const heights = { rest: 400, via: 40, projection: 30, expected: 36, trend: 38, pending: 31, mark: 0 };

  it('hides nothing when the tile fits', () => {
    expect(linesToHide(tile(575, heights))).toEqual([]);
  });

  it('lets the objective go first, then the projection, expected-by-now, the trend and a pending note', () => {
    expect(linesToHide(tile(540, heights))).toEqual(['via']);
    expect(linesToHide(tile(510, heights))).toEqual(['via', 'projection']);
    expect(linesToHide(tile(470, heights))).toEqual(['via', 'projection', 'expected']);
    expect(linesToHide(tile(435, heights))).toEqual(['via', 'projection', 'expected', 'trend']);
    expect(linesToHide(tile(400, heights))).toEqual(['via', 'projection', 'expected', 'trend', 'pending']);
  });

  it('lets the alert mark go last, after every other line, when a firing note says the same', () => {
    const firing = { rest: 400, via: 40, projection: 30, expected: 36, trend: 38, pending: 0, mark: 44 };
    expect(linesToHide(tile(444, firing))).toEqual(['via', 'projection', 'expected', 'trend']);
    expect(linesToHide(tile(430, firing))).toEqual([...GIVE_WAY_ORDER]);
    expect(GIVE_WAY_ORDER.at(-1)).toBe('mark');
  });

  it('hides every line it may (never name, value, target or freshness) when even that does not fit', () => {
    expect(linesToHide(tile(100, heights))).toEqual([...GIVE_WAY_ORDER]);
  });
});
